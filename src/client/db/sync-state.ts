/**
 * What the device remembers about sync, in the meta table: the login session (bearer token, its expiry and who it
 * belongs to), the pull cursor, and the status the sync screen and badge show. Kept in IndexedDB rather than in
 * memory so every tab sees the same status (live queries) and a reload keeps the login.
 * The token is a secret and the phone is personal data: nothing here is ever logged.
 */
import { getDb } from './database.ts';
import { getDeviceId, getMeta, setMeta } from './meta.ts';

export type UserScope =
  | { kind: 'all' }
  | { kind: 'province'; province: string }
  | { kind: 'communes'; communes: string[] };

export interface SessionUser {
  id: string;
  name: string;
  /** Already masked by the server ("0912•••678"). */
  phone: string;
  role: string;
  scope: UserScope;
  scopeLabel: string;
  teamId: string | null;
}

export interface Session {
  token: string;
  expiresAt: string;
  user: SessionUser;
}

export const SYNC_STATES = ['idle', 'running', 'error', 'needs-login', 'offline'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export interface SyncStatus {
  state: SyncState;
  /** ISO time of the last sync that pushed and pulled everything it could. */
  lastSuccessAt: string | null;
  /** Problem code (or 'network' / 'timeout') of the last failed attempt; null after a success. */
  lastErrorCode: string | null;
  /**
   * Records the running pass has pulled so far, page by page (a new phone's first pull of a commune takes minutes on
   * a slow one: the sync screen counts them); null or absent when no pass is running.
   */
  received?: number | null;
}

const SESSION = 'session';
const CURSOR = 'syncCursor';
const CURSOR_USER = 'syncUserId';
const STATUS = 'syncStatus';

export const INITIAL_SYNC_STATUS: SyncStatus = { state: 'idle', lastSuccessAt: null, lastErrorCode: null };

/** The stored session, or undefined when nobody is logged in on this device (or the session has expired). */
export async function getSession(now: Date = new Date()): Promise<Session | undefined> {
  const session = await getMeta<Session>(SESSION);
  if (!session) return undefined;
  return Date.parse(session.expiresAt) > now.getTime() ? session : undefined;
}

/** Whether a session row exists at all, expired or not (an expired one means "log in again"). */
export async function hasStoredSession(): Promise<boolean> {
  return (await getMeta<Session>(SESSION)) !== undefined;
}

/**
 * Stores a new login. When another account logs in on this device, the pull cursor starts again from 0: the new
 * account's areas may hold records the old cursor has already passed. Local records and the outbox stay.
 */
export async function saveSession(session: Session): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.meta, async () => {
    const previousUser = await getMeta<string>(CURSOR_USER);
    if (previousUser !== session.user.id) {
      await setMeta(CURSOR, 0);
      await setMeta(CURSOR_USER, session.user.id);
    }
    await setMeta(SESSION, session);
    const status = (await getMeta<SyncStatus>(STATUS)) ?? INITIAL_SYNC_STATUS;
    await setMeta(STATUS, { ...status, state: 'idle', lastErrorCode: null } satisfies SyncStatus);
  });
}

/** Forgets the token (logout or a 401). Never touches records, the outbox or the cursor. */
export async function clearSession(): Promise<void> {
  await getDb().meta.delete(SESSION);
}

export async function getSyncCursor(): Promise<number> {
  return (await getMeta<number>(CURSOR)) ?? 0;
}

/** Must run inside the transaction that applies the page the cursor belongs to. */
export async function setSyncCursor(cursor: number): Promise<void> {
  await setMeta(CURSOR, cursor);
}

export async function getSyncStatus(): Promise<SyncStatus> {
  return (await getMeta<SyncStatus>(STATUS)) ?? INITIAL_SYNC_STATUS;
}

export async function updateSyncStatus(patch: Partial<SyncStatus>): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.meta, async () => {
    const current = await getSyncStatus();
    await setMeta(STATUS, { ...current, ...patch });
  });
}

/**
 * Who logs a visit: the account when someone is logged in, else this installation's device id (the app works
 * without an account; the server records who pushed it besides).
 */
export async function currentAuthorId(): Promise<string> {
  return (await getSession())?.user.id ?? (await getDeviceId());
}

/** The author ids that mean "you": this device's id and the account last logged in here, even if expired. */
export async function ownAuthorIds(): Promise<string[]> {
  const ids = [await getDeviceId()];
  const session = await getMeta<Session>(SESSION);
  if (session) ids.push(session.user.id);
  return ids;
}
