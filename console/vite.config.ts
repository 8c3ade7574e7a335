import { defineConfig } from 'vite';

/** The console's build: Preact JSX through esbuild, static files into console/dist (served at `/`). */
export const config = defineConfig({
  root: import.meta.dirname,
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 200 },
});

// eslint-disable-next-line no-restricted-syntax -- Vite loads the config from the default export
export default config;
