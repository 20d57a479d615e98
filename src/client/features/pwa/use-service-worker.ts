/**
 * Registers /sw.js through workbox-window (production builds only) and reports when a new version is waiting.
 * The new version takes over only when the person asks (applyUpdate): the page then reloads once, when the new
 * worker controls it. workbox-window is loaded lazily so it stays out of the start page's JS.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Workbox } from 'workbox-window';

export interface ServiceWorkerState {
  updateWaiting: boolean;
  applyUpdate: () => void;
}

export function useServiceWorker(): ServiceWorkerState {
  const workbox = useRef<Workbox | null>(null);
  const [updateWaiting, setUpdateWaiting] = useState(false);

  useEffect(() => {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
    let cancelled = false;
    void import('workbox-window').then(({ Workbox }) => {
      if (cancelled) return;
      const wb = new Workbox('/sw.js');
      wb.addEventListener('waiting', () => setUpdateWaiting(true));
      workbox.current = wb;
      return wb.register();
    }).catch((error: unknown) => {
      // No service worker means no offline start, but the app itself still works.
      console.warn('Service worker registration failed', error);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const applyUpdate = useCallback(() => {
    const wb = workbox.current;
    if (!wb) return;
    let reloading = false;
    wb.addEventListener('controlling', () => {
      if (reloading) return;
      reloading = true;
      window.location.reload();
    });
    wb.messageSkipWaiting();
  }, []);

  return { updateWaiting, applyUpdate };
}
