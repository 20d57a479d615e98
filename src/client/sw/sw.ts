/**
 * The service worker's event wiring (Squoosh style): what is cached lives in caching.ts, the message vocabulary in
 * messages.ts. A new version waits until the person taps "Tải lại" (the page posts SKIP_WAITING); it never takes
 * over an open page on its own. On first install it claims the open page, so lazy screens load offline at once.
 */
import { clientsClaim } from 'workbox-core';
import { precacheAppShell, routeNavigationsToShell } from './caching.ts';
import { isSkipWaitingMessage } from './messages.ts';
import type { ServiceWorkerScope } from './scope.ts';

declare const self: ServiceWorkerScope;

precacheAppShell(self.__WB_MANIFEST);
routeNavigationsToShell();
clientsClaim();

self.addEventListener('message', (event) => {
  if (isSkipWaitingMessage(event.data)) event.waitUntil(self.skipWaiting());
});
