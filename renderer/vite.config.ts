import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = decodeURIComponent(new URL('.', import.meta.url).pathname);

/** Builds the renderer to dist/renderer; `weft studio` and the Electron shell both load it from there. */
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: decodeURIComponent(new URL('../dist/renderer', import.meta.url).pathname),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 4000,
    modulePreload: { polyfill: false },
  },
});
