import "@mantine/core/styles.css";
import { MantineProvider } from "@mantine/core";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { AcheevyProvider } from "./acheevy/AcheevyProvider";
import { SessionProvider } from "./session/SessionProvider";
import { cssVariables, theme } from "./theme";

const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      {/* "auto": dark or light as the system says, and it follows when the system changes. */}
      <MantineProvider theme={theme} cssVariablesResolver={cssVariables} defaultColorScheme="auto">
        <SessionProvider>
          <AcheevyProvider>
            <App />
          </AcheevyProvider>
        </SessionProvider>
      </MantineProvider>
    </StrictMode>,
  );
