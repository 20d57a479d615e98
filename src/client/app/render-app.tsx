/**
 * The last step of the start (main.tsx): React's renderer replaces the screen painted from the HTML. A module of its
 * own, imported when the router has settled, so react-dom is evaluated in a task of its own — and imported by name,
 * so the bundler keeps only what is used.
 */
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';
import type { createAppRouter } from './router.tsx';

/** Renders the app into `root` as a transition, which React renders in slices of a few milliseconds. */
export function renderApp(root: HTMLElement, router: ReturnType<typeof createAppRouter>): void {
  const reactRoot = createRoot(root);
  startTransition(() => {
    reactRoot.render(
      <StrictMode>
        <RouterProvider router={router} />
      </StrictMode>,
    );
  });
}
