/**
 * Entry point: translations first (the first paint is already in Vietnamese), then the router.
 * The service worker is registered from the layout (update prompt), never before the app is interactive.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';
import './lib/i18n-types.ts';
import './ui/styles.css';
import { initI18n } from './lib/i18n.ts';
import { createAppRouter } from './app/router.tsx';

async function start(): Promise<void> {
  await initI18n();
  const router = createAppRouter();
  const root = document.getElementById('root');
  if (!root) throw new Error('#root missing from index.html');
  createRoot(root).render(
    <StrictMode>
      <RouterProvider router={router} />
    </StrictMode>,
  );
}

void start();
