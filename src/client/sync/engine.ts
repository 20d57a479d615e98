/**
 * One sync pass: PUSH the outbox (oldest first, in batches), fetch the person's open conflicts,
 * then PULL pages after the stored cursor until the server has no more. Each step's writes are one Dexie
 * transaction (db/push-batch.ts, db/apply-pulled.ts), so an interrupted pass leaves the device consistent and the
 * next pass simply continues. Not logged in → nothing happens: the app works offline without an account.
 *
 * `runSync` wraps a pass with the status the screens show; the scheduler (scheduler.ts) decides when to run it.
 */
import { MAX_PULL_PAGE, MAX_PUSH_BATCH, type PushResult } from '../../shared/sync.ts';
import { replaceConflicts } from '../db/conflicts.ts';
import {
  applyParsedPage, newPullSession, parsePulledChanges, PulledChangeError, refreshWaitingHouseholds,
} from '../db/apply-pulled.ts';
import { getDeviceId } from '../db/meta.ts';
import { applyPushResults, readNextBatch, type PushItem } from '../db/push-batch.ts';
import { clearSession, getSession, getSyncCursor, updateSyncStatus } from '../db/sync-state.ts';
import { ApiError, NeedsLoginError } from '../lib/api.ts';
import { fetchConflicts, pull, push } from './remote.ts';

// The contract's largest page: a page costs a few IndexedDB round trips whatever its size, and gzip'd it is ~180 KB.
export const PULL_PAGE_SIZE = MAX_PULL_PAGE;

/** Requests a push may have on the way at once: the second hides the first's round trip (150 ms and more on 4G). */
export const PUSH_REQUESTS_IN_FLIGHT = 2;

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
  /** Push requests on the way at once, 1 to `PUSH_REQUESTS_IN_FLIGHT` (the default). */
  pushRequestsInFlight?: number;
  /** Called after each pulled page is stored, with the records pulled so far in this pass. */
  onPulled?: (pulled: number) => Promise<void>;
}

export async function syncOnce(options: SyncOptions = {}): Promise<SyncOutcome> {
  if (!(await getSession())) return { kind: 'signed-out' };
  const report: SyncReport = { pushed: 0, conflicts: 0, rejected: 0, pulled: 0 };
  const inFlight = Math.max(1, Math.min(options.pushRequestsInFlight ?? PUSH_REQUESTS_IN_FLIGHT, PUSH_REQUESTS_IN_FLIGHT));
  await pushAll(Math.min(options.pushBatchSize ?? MAX_PUSH_BATCH, MAX_PUSH_BATCH), inFlight, report);
  // Every pass, not only when this pass met one: a push delivered late (after a retry went through) can leave a
  // conflict on the server that no answer ever reported to this device.
  await replaceConflicts(await fetchConflicts());
  await pullAll(options.pullPageSize ?? PULL_PAGE_SIZE, report, options.onPulled);
  return { kind: 'synced', ...report };
}

/** The ids a change refers to: its record must not reach the server before theirs (a household before its visits). */
function referencesOf(change: PushItem['change']): string[] {
  const r = change.record as { hamletId?: unknown; householdId?: unknown; corrects?: unknown };
  const refs: string[] = [];
  for (const v of [r.hamletId, r.householdId, r.corrects]) if (typeof v === 'string') refs.push(v);
  return refs;
}

interface Flight {
  ids: ReadonlySet<string>;
  settled: Promise<void>;
}

/**
 * Pipelined: while batches travel, the next one is read from the outbox and the answers already received are
 * written, so the device's IndexedDB work, the network and the server's work overlap instead of taking turns.
 * Up to `inFlight` requests travel at once, but a batch that refers to a record of a batch still on
 * its way (a visit of a household created in it, a correction of a visit in it) waits for that batch's answer: the
 * server always holds a record before anything that refers to it arrives. Answers are written in batch order, each
 * in its own transaction, and every answer that arrived is written even when another request failed: the server has
 * applied it. After a failure no new batch is sent; the first failure ends the pass.
 */
async function pushAll(batchSize: number, inFlight: number, report: SyncReport): Promise<void> {
  const deviceId = await getDeviceId();
  // Each entry goes at most once per pass; an edit made during the pass waits for the next one.
  const sent = new Set<string>();
  const flights = new Set<Flight>();
  let applying: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    // A 401 wins over any other failure: the pass must end as "log in again".
    if (failure === undefined || (error instanceof NeedsLoginError && !(failure.error instanceof NeedsLoginError))) {
      failure = { error };
    }
  };
  try {
    let batch = await readNextBatch(batchSize, sent, 0);
    while (batch.items.length > 0 && failure === undefined) {
      const { items } = batch;
      const refs = items.flatMap((i) => referencesOf(i.change));
      const blocked = () =>
        flights.size >= inFlight || [...flights].some((f) => refs.some((id) => f.ids.has(id)));
      while (blocked()) await Promise.race([...flights].map((f) => f.settled));
      if (failure !== undefined) break;

      for (const item of items) sent.add(item.key);
      const request = push({ deviceId, changes: items.map((i) => i.change) });
      const flight: Flight = {
        ids: new Set(items.map((i) => i.change.record.id)),
        settled: request.then(
          () => undefined,
          (error: unknown) => fail(error),
        ),
      };
      flights.add(flight);
      void flight.settled.then(() => flights.delete(flight));
      applying = applying.then(async () => {
        let results: PushResult[];
        try {
          results = await request;
        } catch {
          return; // recorded by the flight
        }
        try {
          const outcome = await applyPushResults(items, results);
          report.pushed += outcome.acknowledged;
          report.conflicts += outcome.conflicts;
          report.rejected += outcome.rejected;
        } catch (error) {
          fail(error);
        }
      });
      batch = await readNextBatch(batchSize, sent, batch.next);
    }
  } finally {
    // Answers already received are written even when a request failed: the server has applied them.
    await Promise.all([...flights].map((f) => f.settled));
    await applying;
  }
  if (failure !== undefined) throw failure.error;
}

/** Pipelined too: the next page is fetched and checked while the previous one is written. */
async function pullAll(pageSize: number, report: SyncReport, onPulled?: (pulled: number) => Promise<void>): Promise<void> {
  const fetchPage = (after: number) =>
    pull(after, pageSize).then((page) => ({ ...page, parsed: parsePulledChanges(page.changes) }));
  let after = await getSyncCursor();
  let next = fetchPage(after);
  // What the pull appends to each household, so its last page folds first visits in rather than recomputing.
  const session = newPullSession();
  try {
    for (;;) {
      const page = await next;
      const more = page.hasMore && page.cursor > after;
      if (more) {
        next = fetchPage(page.cursor);
        // Awaited on the next turn; if this page fails to apply, the pass ends and nobody awaits it.
        next.catch(() => undefined);
      }
      report.pulled += await applyParsedPage(page.parsed, page.cursor, { moreFollow: more, session });
      if (!more) return;
      await onPulled?.(report.pulled);
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
  await updateSyncStatus({ state: 'running', received: 0 });
  try {
    // The count of records received is stored after each page but the last, for the sync screen (any tab).
    const outcome = await syncOnce({ ...options, onPulled: (received) => updateSyncStatus({ received }) });
    await updateSyncStatus({ state: 'idle', lastSuccessAt: new Date().toISOString(), lastErrorCode: null, received: null });
    return outcome;
  } catch (error) {
    if (error instanceof NeedsLoginError) {
      await clearSession();
      await updateSyncStatus({ state: 'needs-login', lastErrorCode: error.code, received: null });
    } else {
      const code =
        error instanceof ApiError ? error.code : error instanceof PulledChangeError ? 'bad-response' : 'internal';
      await updateSyncStatus({ state: isOffline() ? 'offline' : 'error', lastErrorCode: code, received: null });
    }
    throw error;
  }
}
