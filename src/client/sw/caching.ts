/**
 * What the worker caches and how: the app shell is precached (cache-first, versioned by revision), and every
 * navigation inside the app is answered with the precached index.html, so the app opens with no network at all.
 * The API is never answered from here: /api/* always goes to the network (the sync engine handles failures).
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

export const APP_SHELL_URL = '/index.html';

/** Paths a navigation must never be served the shell for. */
export const NAVIGATION_DENYLIST: RegExp[] = [/^\/api(\/|$)/];

export function precacheAppShell(entries: Array<PrecacheEntry | string>): void {
  cleanupOutdatedCaches();
  precacheAndRoute(entries);
}

export function routeNavigationsToShell(): void {
  registerRoute(new NavigationRoute(createHandlerBoundToURL(APP_SHELL_URL), { denylist: NAVIGATION_DENYLIST }));
}
