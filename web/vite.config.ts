/**
 * The dashboard's build. `npm run dev` serves it with hot reload and proxies
 * the API (WebSocket included) to a lab already running on port 3000, so the
 * page talks to the real transports while you edit it.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const lab = process.env.LAB_URL ?? 'http://127.0.0.1:3000';

/**
 * Writes `.br` and `.gz` next to each built text file, so a static server that
 * serves precompressed files (@fastify/static `preCompressed: true`) sends the
 * ~200 KB the budget counts instead of ~700 KB, with no compression at request time.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'transport-lab-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const file of walk(outDir).filter((f) => /\.(js|css|html|svg|json)$/.test(f))) {
        const data = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

export default defineConfig(({ command }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react(), precompress()],
  // A build is always React's production build: Vite would otherwise follow an inherited
  // NODE_ENV (Vitest sets `test`), shipping React's development build, 40% larger and far slower.
  define: command === 'build' ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {},
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Served by the lab on a LAN in class; no source maps to ship, and one chunk per first page.
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: true,
    // Recharts is most of the bundle; the budget that matters is ≤ 300 KB gzip (checked in the report), not 500 KB raw.
    chunkSizeWarningLimit: 900,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': {
        target: lab,
        ws: true,
        changeOrigin: true,
        // The lab refuses feed requests from other origins (and this dev server is another port, so
        // another origin): present them as the lab's own page, for HTTP and for the WebSocket upgrade.
        configure: (proxy) => {
          proxy.on('proxyReq', (request) => {
            if (request.getHeader('origin')) request.setHeader('origin', new URL(lab).origin);
          });
          proxy.on('proxyReqWs', (request) => {
            if (request.getHeader('origin')) request.setHeader('origin', new URL(lab).origin);
          });
        },
      },
    },
  },
}));
