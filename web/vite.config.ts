import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

// The dashboard: built into dist/web (shipped in the npm package, never committed), served by `aims serve` at /.
export default defineConfig({
  root: here,
  base: "/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    // Nothing inline: the CSP allows scripts from 'self' only, and small assets would otherwise become data: URLs.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    // `npm run dev:web` with `aims serve` on 7700: the API and its streams go to it.
    proxy: { "/v1": "http://127.0.0.1:7700", "/healthz": "http://127.0.0.1:7700" },
  },
});
