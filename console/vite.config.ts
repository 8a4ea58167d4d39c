/**
 * Builds the web console into dist/console, served by `harmonia serve` at /ui/.
 * `npx vite --config console/vite.config.ts` runs a dev server that proxies the API
 * to a server on 127.0.0.1:8002.
 */
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:8002';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': api, '/events': api } },
});
