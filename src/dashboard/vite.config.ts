/**
 * Builds the dashboard into `dist/dashboard`: Preact pages with hashed file names, the model
 * editor (CodeMirror) and the charts (uPlot) in chunks of their own, loaded when a page
 * needs them. Run by `npm run build` (`vite build --config src/dashboard/vite.config.ts`).
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
  },
})
