/**
 * Entry point: translations first (the first paint is already in Vietnamese), then the router.
 * The service worker is registered from the layout (update prompt), never before the app is interactive.
 *
 * index.html already shows the first screen (the prerendered start page on a first visit, else the boot message).
 * React replaces it only once the router has settled — the "/" redirect done, the screen's chunk loaded — so the
 * screen that was painted from the HTML is replaced by the same screen, never by a loading line in between.
 *
 * A cheap phone spends most of its start-up evaluating the start bundle. public/boot.js adds this script only once
 * the first frame is painted (vite.config.ts lists the start chunks for it), and this file imports the bundle in
 * steps — strings, database, router and shell, renderer — each evaluated in a task of its own, with the browser free
 * to handle a tap in between. The first render runs as a transition, which React renders in slices of a few
 * milliseconds instead of one long task.
 */
import './lib/i18n-types.ts';
import './ui/styles.css';
import type { createAppRouter } from './app/router.tsx';

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Marks the device as used: public/boot.js shows the prerendered first-visit page only on a device without it. */
const STARTED_KEY = 'tung-nha.started';

type AppRouter = ReturnType<typeof createAppRouter>;

function settled(router: AppRouter): Promise<void> {
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
  // Each step evaluates one part of the start bundle (all of it fetched at once: boot.js preloads every part) in a
  // task of its own, so no single task blocks a tap for long: strings, then the database and its records, then the
  // router and the shell, then React's renderer.
  const { initI18n } = await import('./lib/i18n.ts');
  await initI18n();
  await nextTask();
  await import('dexie'); // the database libraries (dexie, zod) first, then the app's schemas built with them
  await nextTask();
  const database = await import('./db/database.ts');
  await nextTask();
  database.getDb(); // the database's schema parsed in a task of its own, before the router's loader opens it
  await nextTask();
  const routerModule = await import('./app/router.tsx');
  await nextTask();
  const router = routerModule.createAppRouter();
  const [{ renderApp }] = await Promise.all([import('./app/render-app.tsx'), settled(router)]);
  await nextTask();
  const root = document.getElementById('root');
  if (!root) throw new Error('#root missing from index.html');
  renderApp(root, router);
  try {
    localStorage.setItem(STARTED_KEY, '1');
  } catch {
    // No storage: every visit shows the boot message first, as a first visit's page could be the wrong one.
  }
}

void start();
