import { defineConfig } from "vitest/config";

// The page is embedded by Tauri (frontendDist ../ui/dist) and runs offline: everything, fonts
// included, is bundled; nothing is fetched from the network at run time.
export default defineConfig({
  clearScreen: false,
  server: { port: 5173, strictPort: true, fs: { allow: [".."] } },
  build: {
    outDir: "dist",
    target: "safari16",
    chunkSizeWarningLimit: 4096,
  },
  test: { environment: "node" },
});
