/**
 * Entry point: translations first (the first paint is already in Vietnamese), then the router.
 * The service worker is registered from the layout (update prompt), never before the app is interactive.
 *
 * index.html already shows the first screen (the prerendered start page on a first visit, else the boot message).
 * React replaces it only once the router has settled — the "/" redirect done, the screen's chunk loaded — so the
 * screen that was painted from the HTML is replaced by the same screen, never by a loading line in between.
 *
 * A cheap phone spends most of its start-up evaluating the start bundle. So the first render waits for the next
 * task (the browser can paint the boot message and handle a tap in between) and runs as a transition, which React
 * renders in slices of a few milliseconds instead of one long task.
 */
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';
import './lib/i18n-types.ts';
import './ui/styles.css';
import { initI18n } from './lib/i18n.ts';
import { createAppRouter } from './app/router.tsx';

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Marks the device as used: public/boot.js shows the prerendered first-visit page only on a device without it. */
const STARTED_KEY = 'tung-nha.started';

function settled(router: ReturnType<typeof createAppRouter>): Promise<void> {
  if (router.state.initialized) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = router.subscribe((state) => {
      if (!state.initialized) return;
      unsubscribe();
      resolve();
    });
  });
}

async function start(): Promise<void> {
  await initI18n();
  await nextTask();
  const router = createAppRouter();
  await settled(router);
  const root = document.getElementById('root');
  if (!root) throw new Error('#root missing from index.html');
  const reactRoot = createRoot(root);
  startTransition(() => {
    reactRoot.render(
      <StrictMode>
        <RouterProvider router={router} />
      </StrictMode>,
    );
  });
  try {
    localStorage.setItem(STARTED_KEY, '1');
  } catch {
    // No storage: every visit shows the boot message first, as a first visit's page could be the wrong one.
  }
}

void start();
