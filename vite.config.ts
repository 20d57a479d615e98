/**
 * Build of the PWA. The service worker is our own (src/client/sw, injectManifest): vite-plugin-pwa only writes the
 * manifest and injects the precache list. Registration goes through workbox-window from the app (injectRegister:
 * false), so the update prompt is ours too. The administrative-unit list is a static asset in public/data: it is
 * precached for the offline area picker but never part of a JS bundle.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { startPageMarkup, type StartPageStrings } from './src/client/app/start-page-markup.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * Writes a .br and a .gz twin of every text file in dist/ after the build, so the server sends compressed files
 * without compressing on each request (@fastify/static `preCompressed`). On a slow link the start page's ~570 KB
 * of JavaScript travels as ~185 KB. Runs after vite-plugin-pwa has written sw.js and the manifest.
 */
function precompress(): Plugin {
  const TEXT = /\.(js|mjs|css|html|json|webmanifest|svg|txt|map)$/;
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  let outDir = 'dist';
  return {
    name: 'tung-nha-precompress',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        for (const file of walk(outDir)) {
          if (!TEXT.test(file) || file.endsWith('.map')) continue;
          const body = readFileSync(file);
          if (body.length < 1024) continue;
          writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
          writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }));
        }
      },
    },
  };
}

/**
 * Writes the first visit's start page into index.html (src/client/app/start-page-markup.ts), in the words of
 * locales/vi: a slow phone paints it from the HTML, before the ~570 KB of JavaScript have arrived and run.
 */
function prerenderStartPage(): Plugin {
  const locale = (ns: string): unknown => JSON.parse(readFileSync(new URL(`./locales/vi/${ns}.json`, import.meta.url), 'utf8'));
  return {
    name: 'tung-nha-prerender-start-page',
    transformIndexHtml(html) {
      const strings = { common: locale('common'), area: locale('area'), sync: locale('sync') } as StartPageStrings;
      const slot = /<!-- start-page:[^>]*-->/;
      if (!slot.test(html)) throw new Error('index.html has no <!-- start-page: … --> slot');
      return html.replace(slot, () => `<div class="start-page">${startPageMarkup(strings)}</div>`);
    },
  };
}

/**
 * The start bundle loads after the first paint. The built index.html keeps no module script and no preload: it
 * lists the entry and every chunk of its start-up steps (main.tsx imports them one by one, each evaluated in a task
 * of its own) in `<meta name="tung-nha-start">`, and public/boot.js adds them to the page once the first frame —
 * the prerendered start page or the boot message — is painted. On a slow link the page's text and styles then come
 * first, without ~180 KiB of script sharing the bandwidth; all chunks are still requested at once, in parallel.
 */
function startScriptsAfterFirstPaint(): Plugin {
  return {
    name: 'tung-nha-start-scripts-after-first-paint',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const entry = ctx.chunk;
        const bundle = ctx.bundle;
        if (!entry || !bundle) throw new Error('index.html was built without its entry chunk');
        const files = new Set<string>();
        const visit = (file: string): void => {
          const chunk = bundle[file];
          if (files.has(file) || !chunk || chunk.type !== 'chunk') return;
          files.add(file);
          for (const dep of chunk.imports) visit(dep);
        };
        visit(entry.fileName);
        for (const file of entry.dynamicImports) visit(file);
        const entryScript = new RegExp(`\\s*<script type="module" crossorigin src="/${entry.fileName}"></script>`);
        if (!entryScript.test(html)) throw new Error(`index.html has no module script for ${entry.fileName}`);
        const stripped = html.replace(entryScript, '').replace(/\s*<link rel="modulepreload"[^>]*>/g, '');
        const meta = `<meta name="tung-nha-start" content="${[...files].map((file) => `/${file}`).join(' ')}">`;
        return stripped.replace('</head>', `  ${meta}\n  </head>`);
      },
    },
  };
}

export default defineConfig({
  define: {
    // Shown in Settings → About.
    'import.meta.env.VITE_APP_VERSION': JSON.stringify(version),
  },
  plugins: [
    precompress(),
    prerenderStartPage(),
    startScriptsAfterFirstPaint(),
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/client/sw',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      includeManifestIcons: false, // globPatterns already precaches the icons
      manifest: {
        id: '/',
        name: 'Từng Nhà — Tổ công nghệ số cộng đồng',
        short_name: 'Từng Nhà',
        description: 'Công cụ thực địa của Tổ công nghệ số cộng đồng: hướng dẫn từng hộ dân năm kỹ năng số cơ bản, dùng được cả khi không có mạng.',
        lang: 'vi',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0b6158',
        background_color: '#ffffff',
        categories: ['productivity', 'education', 'government'],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // App shell (JS chunks with the bundled locales, CSS, HTML), icons, robots.txt and the area list.
        globPatterns: ['**/*.{js,css,html,png,svg,txt}', 'data/admin-units-2025.json'],
        maximumFileSizeToCacheInBytes: 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    // DIST_DIR lets parallel work build and serve its own copy (the server reads the same variable).
    outDir: process.env.DIST_DIR ?? 'dist',
    emptyOutDir: true,
    // Android Chrome ≥ 90 (Android Go phones stay on old versions for years).
    target: ['chrome90', 'edge90', 'firefox90', 'safari15'],
    sourcemap: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // The libraries every screen needs, in four files that main.tsx evaluates one per task (each a long task
            // fewer on a slow phone's start); index.html preloads them all at once, so they cost no round trip more.
            { name: 'vendor-i18n', test: /[\\/]node_modules[\\/](react|i18next|react-i18next)[\\/]/ },
            { name: 'vendor-db', test: /[\\/]node_modules[\\/](dexie|dexie-react-hooks|zod)[\\/]/ },
            { name: 'vendor-router', test: /[\\/]node_modules[\\/]react-router[\\/]/ },
            { name: 'vendor-react-dom', test: /[\\/]node_modules[\\/](react-dom|scheduler)[\\/]|[\\/]src[\\/]client[\\/]app[\\/]render-app\.tsx$/ },
            // The device's database and the records it stores: one start-up step (main.tsx), one file, not seven.
            {
              name: 'database',
              test: /[\\/]src[\\/](client[\\/]db[\\/](database|projections|meta|sync-state|outbox|conflicts)|shared[\\/](ids|phone|records|text-fold|skills|progress))\.ts$/,
            },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
