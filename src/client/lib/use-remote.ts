/**
 * Server data as React state, keyed: a new key shows "loading", `reload()` fetches again while the screen keeps the
 * data it has (no flicker after a save), and an answer for a key the screen has left is dropped.
 */
import { useCallback, useEffect, useState } from 'react';

export type Remote<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: unknown };

interface Stored<T> {
  key: string;
  attempt: number;
  value: Remote<T>;
}

const LOADING = { status: 'loading' } as const;

/** `load` must be stable (a module function or a useCallback): it is an effect dependency. Null key: nothing yet. */
export function useRemote<T>(key: string | null, load: (key: string) => Promise<T>): {
  state: Remote<T>;
  reload: () => void;
} {
  const [attempt, setAttempt] = useState(0);
  const [stored, setStored] = useState<Stored<T> | null>(null);

  useEffect(() => {
    if (key === null) return;
    let alive = true;
    load(key).then(
      (data) => {
        if (alive) setStored({ key, attempt, value: { status: 'ready', data } });
      },
      (error: unknown) => {
        if (alive) setStored({ key, attempt, value: { status: 'error', error } });
      },
    );
    return () => {
      alive = false;
    };
  }, [key, attempt, load]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const current =
    stored !== null && stored.key === key && (stored.attempt === attempt || stored.value.status === 'ready');
  return { state: current ? stored.value : LOADING, reload };
}
