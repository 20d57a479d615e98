/**
 * Foreground requests: every request the server is answering, from its first byte to its answer (or until the
 * client gives up) — a phone pulling a page, a push, a login, a report. Someone waits for each of them; nobody waits
 * for background work (the totals' catch-up), so background work waits for `foregroundQuiet` before each of its short
 * transactions: the requests in flight, the pushes queued in the writer, and the next request of a device that has
 * just been answered go first.
 *
 * Why every request and not only pushes: on PGlite the database runs on the one thread that also serves HTTP, and a
 * background transaction blocks it for its whole length. A request needs several turns of the event loop (its
 * queries, gzip of the answer in the thread pool, the socket write); when background work may start between any two
 * of them, each turn waits behind a whole background transaction. A second phone pulling 10,000 new visits right
 * after a burst of pushes waited 3.5–4.5 s per 2,000-record page that way (its own queries: 0.1–0.4 s).
 */
import type { FastifyInstance } from 'fastify';
import type { AppDb } from '../db/client.ts';
import { pushesQuiet } from '../services/sync-push.ts';

/**
 * How long the foreground must have been idle before background work goes: a device in a sync session sends its next
 * request within a few hundred milliseconds of an answer (the engine writes one pulled page while it fetches the next,
 * and has two pushes in flight), and a background transaction started in that gap would hold the request behind it.
 */
export const FOREGROUND_IDLE_MS = 300;

interface InFlight {
  count: number;
  /** When the last request in flight was answered (performance.now()). */
  idleSince: number;
  whenQuiet: Set<() => void>;
}

/** The foreground requests of each database (several apps may share one, as tests do). */
const inFlightOf = new WeakMap<object, InFlight>();

function inFlight(db: AppDb): InFlight {
  let state = inFlightOf.get(db);
  if (!state) inFlightOf.set(db, (state = { count: 0, idleSince: -Infinity, whenQuiet: new Set() }));
  return state;
}

/** Counts every request of this app as a foreground request of `db` until it is answered or given up. */
export function installForegroundRequests(app: FastifyInstance, db: AppDb): void {
  const state = inFlight(db);
  const answered = new WeakMap<object, () => void>();
  const done = async (request: object) => answered.get(request)?.();
  app.addHook('onRequest', async (request, reply) => {
    state.count += 1;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      state.count -= 1;
      if (state.count > 0) return;
      state.idleSince = performance.now();
      for (const wake of [...state.whenQuiet]) wake();
    };
    answered.set(request, end);
    // A response that never finishes (the connection closed under it) still closes.
    reply.raw.once('close', end);
  });
  app.addHook('onResponse', done);
  app.addHook('onRequestAbort', done);
}

async function requestsQuiet(state: InFlight, until: number): Promise<void> {
  for (;;) {
    // Checked after a turn of the event loop: requests whose bytes are already here are read (and counted) first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const now = performance.now();
    const left = until - now;
    const idleFor = now - state.idleSince;
    if (left <= 0 || (state.count === 0 && idleFor >= FOREGROUND_IDLE_MS)) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timeout);
        state.whenQuiet.delete(wake);
        resolve();
      };
      // Idle, but not for long enough: look again when it will have been; busy: when the last request is answered.
      const timeout = setTimeout(wake, state.count === 0 ? Math.min(left, FOREGROUND_IDLE_MS - idleFor) : left);
      if (state.count > 0) state.whenQuiet.add(wake);
    });
  }
}

/**
 * Resolves when no foreground request of this database has been in flight for `FOREGROUND_IDLE_MS` and no push is
 * waiting for or being applied by its writers — or after `maxWaitMs`, so that background work under a steady stream
 * of requests still gets its turn.
 */
export async function foregroundQuiet(db: AppDb, maxWaitMs: number): Promise<void> {
  const until = performance.now() + maxWaitMs;
  await Promise.all([requestsQuiet(inFlight(db), until), pushesQuiet(db, maxWaitMs)]);
}
