/**
 * When sync runs: at start, when the device comes back online, ~2 s after a local write (the outbox changes), every
 * 5 minutes, and when the person asks ("Đồng bộ ngay", after login). A failure backs off exponentially with full
 * jitter (capped at ~5 minutes) and a success resets it. One tab syncs at a time (Web Locks; where the browser has
 * none, each tab runs on its own and the server's idempotent push keeps that safe). A 401 is not retried: the
 * status says "log in again" and the outbox waits.
 */
import { Dexie, type ObservabilitySet } from 'dexie';
import { getDb } from '../db/database.ts';
import { updateSyncStatus, getSyncStatus } from '../db/sync-state.ts';
import { NeedsLoginError } from '../lib/api.ts';
import { runSync, type SyncOutcome } from './engine.ts';

export const WRITE_DELAY_MS = 2_000;
export const PERIOD_MS = 5 * 60_000;
export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
export const LOCK_NAME = 'tung-nha-sync';

/** Full jitter: a uniform delay in [0, min(cap, base · 2^(failures-1))). */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * ceiling);
}

export type RunResult = SyncOutcome | { kind: 'busy' } | { kind: 'failed'; error: unknown };

/** Runs `fn` while holding the tab-wide sync lock; 'busy' when another tab holds it. */
export async function withSyncLock<T>(fn: () => Promise<T>): Promise<T | 'busy'> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return fn();
  return locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) => (lock ? fn() : 'busy'));
}

/**
 * Runs `fn` holding the sync lock, waiting for a pass under way to finish first: a person's conflict decision must
 * not interleave with a pass that read the cursor before it. Without Web Locks, waits for this tab's engine work.
 */
export async function whileSyncPaused<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) {
    await syncEngineSettled();
    return fn();
  }
  return locks.request(LOCK_NAME, () => fn());
}

export interface SchedulerDeps {
  run?: () => Promise<SyncOutcome>;
  random?: () => number;
  now?: () => number;
  lock?: <T>(fn: () => Promise<T>) => Promise<T | 'busy'>;
}

export class SyncScheduler {
  /** Consecutive failures; 0 after a success. */
  failures = 0;
  /** Delay chosen for the next timed run, for the status and for tests. */
  nextDelayMs: number | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private backoffUntil = 0;
  private inFlight: Promise<RunResult> | null = null;
  private again = false;
  private stopped = true;
  private unwatch: (() => void) | undefined;
  private readonly run: () => Promise<SyncOutcome>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly lock: <T>(fn: () => Promise<T>) => Promise<T | 'busy'>;

  constructor(deps: SchedulerDeps = {}) {
    this.run = deps.run ?? (() => runSync());
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.lock = deps.lock ?? withSyncLock;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.watchOutbox();
    void track(this.resetStaleRunningState().then(() => this.syncNow()));
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.unwatch?.();
    this.unwatch = undefined;
    this.clearTimer();
  }

  /** Runs now, ignoring any backoff wait (the person asked, or the network came back). */
  syncNow(): Promise<RunResult> {
    this.backoffUntil = 0;
    return this.runOnce();
  }

  /** Runs after `delayMs`, or later if a backoff is in force; an earlier scheduled run wins. */
  requestSync(delayMs: number = WRITE_DELAY_MS): void {
    if (this.stopped) return;
    this.schedule(Math.max(delayMs, this.backoffUntil - this.now()));
  }

  private readonly onOnline = () => {
    void track(this.syncNow());
  };

  private readonly onOffline = () => {
    void track(updateSyncStatus({ state: 'offline' }));
  };

  /**
   * A local write touches the outbox: sync a little later, once the person has finished typing. Dexie reports every
   * committed change (in this tab and others) without a query or an index; the engine's own outbox writes during a
   * pass are ignored (a write made meanwhile is caught by `again`).
   */
  private watchOutbox(): void {
    const handler = (parts: ObservabilitySet) => {
      if (this.inFlight) return;
      const prefix = `idb://${getDb().name}/outbox/`;
      if (Object.keys(parts).some((k) => k.startsWith(prefix))) this.requestSync(WRITE_DELAY_MS);
    };
    Dexie.on('storagemutated', handler);
    this.unwatch = () => Dexie.on('storagemutated').unsubscribe(handler);
  }

  /** A tab closed mid-sync leaves 'running' behind; a new start knows better. */
  private async resetStaleRunningState(): Promise<void> {
    const status = await getSyncStatus();
    if (status.state === 'running') await updateSyncStatus({ state: 'idle' });
  }

  private schedule(delayMs: number): void {
    const at = this.now() + Math.max(0, delayMs);
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.nextDelayMs = Math.max(0, delayMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      void this.runOnce();
    }, Math.max(0, delayMs));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private runOnce(): Promise<RunResult> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = track(this.execute()).finally(() => {
      this.inFlight = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.requestSync(0);
      }
    });
    return this.inFlight;
  }

  private async execute(): Promise<RunResult> {
    let result: RunResult;
    try {
      const outcome = await this.lock(this.run);
      result = outcome === 'busy' ? { kind: 'busy' } : outcome;
    } catch (error) {
      result = { kind: 'failed', error };
    }
    this.afterRun(result);
    return result;
  }

  private afterRun(result: RunResult): void {
    if (this.stopped) return;
    this.clearTimer();
    if (result.kind === 'failed' && !(result.error instanceof NeedsLoginError)) {
      this.failures += 1;
      const delay = backoffDelay(this.failures, this.random);
      this.backoffUntil = this.now() + delay;
      this.schedule(delay);
      return;
    }
    if (result.kind !== 'busy' && result.kind !== 'offline') {
      this.failures = 0;
      this.backoffUntil = 0;
    }
    this.schedule(PERIOD_MS);
  }
}

let engine: SyncScheduler | undefined;

/** Work the engine started and has not finished: stopping the engine does not cancel a run already under way. */
const pending = new Set<Promise<unknown>>();

function track<T>(work: Promise<T>): Promise<T> {
  pending.add(work);
  void work.finally(() => pending.delete(work)).catch(() => undefined);
  return work;
}

/** Resolves when every run the engine or `syncNow` started has finished (tests wait for it before switching databases). */
export async function syncEngineSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

/**
 * Starts the app's sync engine (once; later calls return the same stop function). Call it after the first render;
 * returns a function that stops it (for tests and hot reload).
 */
export function startSyncEngine(deps: SchedulerDeps = {}): () => void {
  engine ??= new SyncScheduler(deps);
  engine.start();
  return () => {
    engine?.stop();
    engine = undefined;
  };
}

/**
 * Syncs now: through the running engine (so its backoff and lock apply), or directly when none runs (a screen
 * rendered on its own). Never throws: the outcome says what happened, the status row tells the screens.
 */
export function syncNow(): Promise<RunResult> {
  if (engine) return engine.syncNow();
  // Tracked like the engine's own runs, so `syncEngineSettled` also waits for a run started by a login or a
  // conflict decision (they fire and forget it) before a test switches databases.
  return track(runWithoutEngine());
}

async function runWithoutEngine(): Promise<RunResult> {
  try {
    const outcome = await withSyncLock(() => runSync());
    return outcome === 'busy' ? { kind: 'busy' } : outcome;
  } catch (error) {
    return { kind: 'failed', error };
  }
}
