import { Anchor, type CSSVariablesResolver, createTheme, Drawer, Modal } from "@mantine/core";

/**
 * The dashboard's theme: Mantine's defaults, with the contrast WCAG AA asks for (4.5:1 for text) — a darker
 * primary shade and dimmed text in the light scheme — links underlined, so they read as links without colour, and
 * names for icon buttons.
 */
export const theme = createTheme({
  primaryColor: "blue",
  // Shade 8 in both schemes: white text on filled buttons (blue, red) stays at 4.5:1 or better.
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: "md",
  // No sliding or fading for people who asked their system for less motion.
  respectReducedMotion: true,
  components: {
    Anchor: Anchor.extend({ defaultProps: { underline: "always" } }),
    // The close button is an icon: it needs a name for screen readers.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close" } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close" } } }),
  },
});

const COLORS = ["blue", "red", "green", "yellow", "orange", "gray", "teal", "cyan", "grape", "violet"];

/**
 * The light scheme's text colours, darkened to 4.5:1 or better: dimmed text is gray 7 (Mantine's gray 6 is 3.3:1),
 * errors red 9, and the text of light variants (badges, alerts) shade 9 mixed with black, readable on their tint.
 */
export const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    "--mantine-color-error": "var(--mantine-color-red-9)",
    ...Object.fromEntries(
      COLORS.map((c) => [
        `--mantine-color-${c}-light-color`,
        `color-mix(in srgb, var(--mantine-color-${c}-9), black 25%)`,
      ]),
    ),
  },
  // Mantine's dark dimmed (dark 2, #828282) is 4.3:1 on the dark body: dark 1 instead.
  dark: { "--mantine-color-dimmed": "var(--mantine-color-dark-1)" },
});
