import "@mantine/core/styles.css";
import { createTheme, MantineProvider } from "@mantine/core";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { SessionProvider } from "./session/SessionProvider";

const theme = createTheme({ primaryColor: "blue", defaultRadius: "md" });

const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      {/* "auto": dark or light as the system says, and it follows when the system changes. */}
      <MantineProvider theme={theme} defaultColorScheme="auto">
        <SessionProvider>
          <App />
        </SessionProvider>
      </MantineProvider>
    </StrictMode>,
  );
