import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The dashboard lives in web/ and is served by `trustctl serve` from dist/web; in development the
// Vite server forwards /api to a local trustctl server so the session cookie stays same-origin.
const folder = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname)

export default defineConfig({
  root: folder('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: folder('../dist/web'),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': { target: 'http://127.0.0.1:8700' } },
  },
})
