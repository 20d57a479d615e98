/**
 * Server data as React state, keyed: a new key (another node or period) shows "loading", `reload()` fetches again,
 * and an answer for a key the screen has already left is dropped.
 */
import { useCallback, useEffect, useState } from 'react';

export type Remote<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: unknown };

const LOADING = { status: 'loading' } as const;

/** `load` must be stable (a module function or a useCallback): it is an effect dependency. */
export function useRemote<T>(key: string, load: (key: string) => Promise<T>): { state: Remote<T>; reload: () => void } {
  const [attempt, setAttempt] = useState(0);
  const [stored, setStored] = useState<{ key: string; attempt: number; value: Remote<T> } | null>(null);

  useEffect(() => {
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
  const current = stored !== null && stored.key === key && stored.attempt === attempt;
  return { state: current ? stored.value : LOADING, reload };
}
