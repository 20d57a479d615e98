/** The administrative units as React state, with a retry after a failed load. */
import { startTransition, useCallback, useEffect, useState } from 'react';
import type { AdminUnits } from '../../../shared/areas.ts';
import { loadAdminUnits } from './admin-units.ts';

export type AdminUnitsState =
  | { status: 'loading' }
  | { status: 'error' }
  | { status: 'ready'; units: AdminUnits };

export function useAdminUnits(): { state: AdminUnitsState; retry: () => void } {
  const [state, setState] = useState<AdminUnitsState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let alive = true;
    loadAdminUnits().then(
      (units) => {
        // A transition: React renders the form (34 provinces, the commune search) in slices, not one long task.
        if (alive) startTransition(() => setState({ status: 'ready', units }));
      },
      (error: unknown) => {
        console.warn('Could not load the administrative units', error);
        if (alive) setState({ status: 'error' });
      },
    );
    return () => {
      alive = false;
    };
  }, [attempt]);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  return { state, retry };
}
