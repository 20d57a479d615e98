/**
 * Entry point: translations first (the first paint is already in Vietnamese), then the router.
 * The service worker is registered from the layout (update prompt), never before the app is interactive.
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

async function start(): Promise<void> {
  await initI18n();
  await nextTask();
  const router = createAppRouter();
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
}

void start();
