import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Static files only: dist/ is served by `r2w serve` locally and from S3 behind CloudFront in
// the cloud. Hashed asset names let both cache them for a year; index.html is never cached.
export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline modulepreload polyfill: the CSP allows no inline script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` against a running `r2w serve`.
    proxy: { '/v1': 'http://127.0.0.1:8080', '/config.json': 'http://127.0.0.1:8080', '/_blobs': 'http://127.0.0.1:8080' },
  },
});
