/**
 * Build of the PWA. The service worker is our own (src/client/sw, injectManifest): vite-plugin-pwa only writes the
 * manifest and injects the precache list. Registration goes through workbox-window from the app (injectRegister:
 * false), so the update prompt is ours too. The administrative-unit list is a static asset in public/data: it is
 * precached for the offline area picker but never part of a JS bundle.
 */
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: {
    // Shown in Settings → About.
    'import.meta.env.VITE_APP_VERSION': JSON.stringify(version),
  },
  plugins: [
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
    outDir: 'dist',
    emptyOutDir: true,
    // Android Chrome ≥ 90 (Android Go phones stay on old versions for years).
    target: ['chrome90', 'edge90', 'firefox90', 'safari15'],
    sourcemap: true,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
