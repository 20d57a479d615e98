/**
 * Everything the sync badge and screen show, as one live query over the meta row, the outbox and the conflicts:
 * it updates in every tab the moment sync (in any tab) writes. The token never leaves db/: only the user is exposed.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { countConflicts } from '../../db/conflicts.ts';
import { countOutbox } from '../../db/outbox.ts';
import {
  getSession,
  getSyncStatus,
  hasStoredSession,
  INITIAL_SYNC_STATUS,
  type SessionUser,
  type SyncState,
  type SyncStatus,
} from '../../db/sync-state.ts';

export type DisplayState = SyncState | 'signed-out';

export interface SyncView {
  loaded: boolean;
  user: SessionUser | null;
  status: SyncStatus;
  state: DisplayState;
  unsynced: number;
  conflicts: number;
}

const LOADING: SyncView = {
  loaded: false, user: null, status: INITIAL_SYNC_STATUS, state: 'idle', unsynced: 0, conflicts: 0,
};

async function readView(): Promise<SyncView> {
  const [session, stored, status, unsynced, conflicts] = await Promise.all([
    getSession(), hasStoredSession(), getSyncStatus(), countOutbox(), countConflicts(),
  ]);
  let state: DisplayState = status.state;
  if (!session) state = stored || status.state === 'needs-login' ? 'needs-login' : 'signed-out';
  return { loaded: true, user: session?.user ?? null, status, state, unsynced, conflicts };
}

export function useSyncView(): SyncView {
  return useLiveQuery(readView, [], LOADING);
}
