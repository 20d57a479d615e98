/**
 * What the device holds and how much room is left: the estimate is read on mount, every minute and whenever the
 * app comes back to the foreground; the count of unsent changes is live (the outbox table).
 */
import { useCallback, useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { countOutbox } from '../../db/outbox.ts';
import { ensurePersistence, isLowOnSpace, readEstimate, requestPersistence, type StorageEstimateNumbers } from './storage.ts';

const POLL_MS = 60_000;

export interface StorageStatus {
  /** null while unknown or when the browser cannot tell. */
  persisted: boolean | null;
  estimate: StorageEstimateNumbers | null;
  unsynced: number;
  /** Low on space while unsent work exists: time to back up. */
  needsBackup: boolean;
  askPersistence: () => Promise<void>;
}

export function useStorageStatus(): StorageStatus {
  const [persisted, setPersisted] = useState<boolean | null>(null);
  const [estimate, setEstimate] = useState<StorageEstimateNumbers | null>(null);
  const unsynced = useLiveQuery(() => countOutbox(), [], 0);

  useEffect(() => {
    let alive = true;
    const refresh = () => {
      void readEstimate().then((e) => {
        if (alive) setEstimate(e);
      });
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    refresh();
    void ensurePersistence().then((p) => {
      if (alive) setPersisted(p);
    });
    const timer = window.setInterval(refresh, POLL_MS);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      alive = false;
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);

  const askPersistence = useCallback(async () => {
    const answer = await requestPersistence();
    setPersisted(answer);
  }, []);

  const needsBackup = estimate !== null && unsynced > 0 && isLowOnSpace(estimate);
  return { persisted, estimate, unsynced, needsBackup, askPersistence };
}
