import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = 'http://127.0.0.1:8080';

// The web app is the only bundled part of Allmende. The server serves `dist/` itself; in
// development, Vite serves the app and passes everything the server answers through to it.
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      // React changes less often than the app: its own chunk stays cached across releases.
      output: {
        codeSplitting: {
          groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }],
        },
      },
    },
  },
  server: {
    // Only the C2SP paths under /log go to the server: /log and /log/entries/<n> are pages.
    proxy: {
      '/api': api,
      '/ws': { target: api, ws: true },
      '^/log/(checkpoint|tile/)': api,
      '/healthz': api,
    },
  },
});
