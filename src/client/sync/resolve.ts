/**
 * A person's decision on a conflict: recorded on the server first, then applied on the device (db/conflicts.ts),
 * then a sync to send whatever the decision left queued. When the server no longer has the conflict open (someone
 * resolved it on another device), the device refreshes its list and the caller shows the error.
 */
import type { LocalConflict } from '../db/database.ts';
import { applyDeviceChoice, applyServerChoice, replaceConflicts, rerecordVisit } from '../db/conflicts.ts';
import { ApiError } from '../lib/api.ts';
import { fetchConflicts, resolveConflictOnServer } from './remote.ts';
import { syncNow, whileSyncPaused } from './scheduler.ts';

export type ConflictChoice = 'device' | 'server';

export async function resolveConflict(conflict: LocalConflict, choice: ConflictChoice): Promise<void> {
  await whileSyncPaused(() => decide(conflict, choice));
  void syncNow();
}

/** The decision itself, on the server and then on the device, with no sync pass running in between. */
async function decide(conflict: LocalConflict, choice: ConflictChoice): Promise<void> {
  try {
    if (conflict.entity === 'visit') {
      // A visit is immutable: the server keeps its event; "keep mine" records this device's event again.
      const answer = await resolveConflictOnServer(conflict.id, 'server');
      if (choice === 'server') await applyServerChoice(conflict, answer.seq);
      else await rerecordVisit(conflict, answer.seq);
    } else {
      const answer = await resolveConflictOnServer(conflict.id, choice);
      // The server's copy may be newer than the one this device saw with the conflict (and the device may have
      // pulled past it while its own edit was pending): store the copy the server answered with.
      const current = answer.record ? { ...conflict, serverRecord: answer.record, serverVersion: answer.version } : conflict;
      if (choice === 'server') await applyServerChoice(current, answer.seq);
      else await applyDeviceChoice(conflict, answer.version);
    }
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'not-found' || error.code === 'request.invalid')) {
      await replaceConflicts(await fetchConflicts()).catch(() => undefined);
    }
    throw error;
  }
}
