/**
 * The few service-worker APIs this worker touches, typed here: the client tsconfig carries the DOM lib, and the
 * WebWorker lib cannot sit beside it in one program. sw.ts declares `self` with this type.
 */
import type { PrecacheEntry } from 'workbox-precaching';

export interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}

export interface ExtendableMessageEventLike extends ExtendableEventLike {
  readonly data: unknown;
}

export interface ServiceWorkerScope {
  /** Replaced at build time by vite-plugin-pwa (injectManifest) with the list of files to precache. */
  readonly __WB_MANIFEST: Array<PrecacheEntry | string>;
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEventLike) => void): void;
}
