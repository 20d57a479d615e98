/**
 * Logging in and out on this device. Logging in stores the session (db/sync-state.ts) and starts a sync; logging
 * out revokes the token on the server when it can and forgets it on the device, and never deletes local records or
 * the outbox (unsent work stays for the next login).
 */
import { clearSession, getSession, saveSession, updateSyncStatus, type Session } from '../db/sync-state.ts';
import { login as loginRequest, logout as logoutRequest } from './remote.ts';
import { syncNow } from './scheduler.ts';

export async function logIn(phone: string, password: string): Promise<Session> {
  const session = await loginRequest(phone, password);
  await saveSession(session);
  void syncNow();
  return session;
}

export async function logOut(): Promise<void> {
  if (await getSession()) {
    // Offline or already expired: the token is forgotten here anyway and expires on the server by itself.
    await logoutRequest().catch(() => undefined);
  }
  await clearSession();
  await updateSyncStatus({ state: 'idle', lastErrorCode: null });
}
