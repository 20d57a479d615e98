/**
 * One sync pass: PUSH the outbox (oldest first, in batches), fetch the person's open conflicts,
 * then PULL pages after the stored cursor until the server has no more. Each step's writes are one Dexie
 * transaction (db/push-batch.ts, db/apply-pulled.ts), so an interrupted pass leaves the device consistent and the
 * next pass simply continues. Not logged in → nothing happens: the app works offline without an account.
 *
 * `runSync` wraps a pass with the status the screens show; the scheduler (scheduler.ts) decides when to run it.
 */
import { MAX_PULL_PAGE, MAX_PUSH_BATCH } from '../../shared/sync.ts';
import { replaceConflicts } from '../db/conflicts.ts';
import { applyParsedPage, parsePulledChanges, PulledChangeError, refreshWaitingHouseholds } from '../db/apply-pulled.ts';
import { getDeviceId } from '../db/meta.ts';
import { applyPushResults, readNextBatch } from '../db/push-batch.ts';
import { clearSession, getSession, getSyncCursor, updateSyncStatus } from '../db/sync-state.ts';
import { ApiError, NeedsLoginError } from '../lib/api.ts';
import { fetchConflicts, pull, push } from './remote.ts';

// The contract's largest page: a page costs a few IndexedDB round trips whatever its size, and gzip'd it is ~180 KB.
export const PULL_PAGE_SIZE = MAX_PULL_PAGE;

export interface SyncReport {
  pushed: number;
  conflicts: number;
  rejected: number;
  pulled: number;
}

export type SyncOutcome = { kind: 'signed-out' } | { kind: 'offline' } | ({ kind: 'synced' } & SyncReport);

export interface SyncOptions {
  pushBatchSize?: number;
  pullPageSize?: number;
}

export async function syncOnce(options: SyncOptions = {}): Promise<SyncOutcome> {
  if (!(await getSession())) return { kind: 'signed-out' };
  const report: SyncReport = { pushed: 0, conflicts: 0, rejected: 0, pulled: 0 };
  await pushAll(Math.min(options.pushBatchSize ?? MAX_PUSH_BATCH, MAX_PUSH_BATCH), report);
  // Every pass, not only when this pass met one: a push delivered late (after a retry went through) can leave a
  // conflict on the server that no answer ever reported to this device.
  await replaceConflicts(await fetchConflicts());
  await pullAll(options.pullPageSize ?? PULL_PAGE_SIZE, report);
  return { kind: 'synced', ...report };
}

/**
 * Pipelined: while a batch travels, the next one is read from the outbox and the previous batch's answers are
 * written, so the device's IndexedDB work and the server's work overlap instead of taking turns. One request is in
 * flight at a time, so batches reach the server in outbox order (a hamlet before its households).
 */
async function pushAll(batchSize: number, report: SyncReport): Promise<void> {
  const deviceId = await getDeviceId();
  // Each entry goes at most once per pass; an edit made during the pass waits for the next one.
  const sent = new Set<string>();
  let applying: Promise<void> = Promise.resolve();
  let applyFailed = false;
  try {
    let batch = await readNextBatch(batchSize, sent, 0);
    while (batch.items.length > 0 && !applyFailed) {
      const { items } = batch;
      for (const item of items) sent.add(item.key);
      const [results, following] = await Promise.all([
        push({ deviceId, changes: items.map((i) => i.change) }),
        readNextBatch(batchSize, sent, batch.next),
      ]);
      applying = applying
        .then(() => applyPushResults(items, results))
        .then((outcome) => {
          report.pushed += outcome.acknowledged;
          report.conflicts += outcome.conflicts;
          report.rejected += outcome.rejected;
        });
      applying.catch(() => (applyFailed = true));
      batch = following;
    }
  } finally {
    // Answers already received are written even when a later request failed: the server has applied them.
    await applying;
  }
}

/** Pipelined too: the next page is fetched and checked while the previous one is written. */
async function pullAll(pageSize: number, report: SyncReport): Promise<void> {
  const fetchPage = (after: number) =>
    pull(after, pageSize).then((page) => ({ ...page, parsed: parsePulledChanges(page.changes) }));
  let after = await getSyncCursor();
  let next = fetchPage(after);
  try {
    for (;;) {
      const page = await next;
      const more = page.hasMore && page.cursor > after;
      if (more) {
        next = fetchPage(page.cursor);
        // Awaited on the next turn; if this page fails to apply, the pass ends and nobody awaits it.
        next.catch(() => undefined);
      }
      report.pulled += await applyParsedPage(page.parsed, page.cursor, { moreFollow: more });
      if (!more) return;
      after = page.cursor;
    }
  } catch (error) {
    // The pages applied so far are kept; their households must not wait for the next pass to be refreshed.
    await refreshWaitingHouseholds().catch(() => undefined);
    throw error;
  }
}

function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/**
 * A pass with its status: 'running' while it works, then 'idle' with the time of success, 'needs-login' after a
 * 401 (the token is forgotten, the outbox kept), 'offline' or 'error' with the code. Rethrows failures so the
 * scheduler can back off; a 401 is not retried until the person logs in.
 */
export async function runSync(options: SyncOptions = {}): Promise<SyncOutcome> {
  if (!(await getSession())) return { kind: 'signed-out' };
  if (isOffline()) {
    await updateSyncStatus({ state: 'offline' });
    return { kind: 'offline' };
  }
  await updateSyncStatus({ state: 'running' });
  try {
    const outcome = await syncOnce(options);
    await updateSyncStatus({ state: 'idle', lastSuccessAt: new Date().toISOString(), lastErrorCode: null });
    return outcome;
  } catch (error) {
    if (error instanceof NeedsLoginError) {
      await clearSession();
      await updateSyncStatus({ state: 'needs-login', lastErrorCode: error.code });
    } else {
      const code =
        error instanceof ApiError ? error.code : error instanceof PulledChangeError ? 'bad-response' : 'internal';
      await updateSyncStatus({ state: isOffline() ? 'offline' : 'error', lastErrorCode: code });
    }
    throw error;
  }
}
