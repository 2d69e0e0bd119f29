import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// A static build with relative asset paths: app/dist can be hosted under any path.
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: { target: "es2022", sourcemap: true },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
