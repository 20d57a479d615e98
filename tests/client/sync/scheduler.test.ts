import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, NeedsLoginError } from '../../../src/client/lib/api.ts';
import {
  BACKOFF_CAP_MS, PERIOD_MS, SyncScheduler, backoffDelay, withSyncLock,
} from '../../../src/client/sync/scheduler.ts';
import type { SyncOutcome } from '../../../src/client/sync/engine.ts';
import { createHamlet } from '../../../src/client/db/hamlets.ts';

const synced: SyncOutcome = { kind: 'synced', pushed: 0, conflicts: 0, rejected: 0, pulled: 0 };
const passThrough = <T,>(fn: () => Promise<T>) => fn();

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('sync scheduler', () => {
  it('syncs a couple of seconds after a local write', async () => {
    const run = vi.fn(async () => synced);
    const scheduler = new SyncScheduler({ run, lock: passThrough });
    scheduler.start();
    await vi.waitFor(() => expect(run).toHaveBeenCalledTimes(1)); // the start-up pass
    await vi.waitFor(() => expect(scheduler.nextDelayMs).toBe(PERIOD_MS));

    await createHamlet({ provinceCode: '38', communeCode: '15061' }, { name: 'Thôn Mới' });
    await vi.waitFor(() => expect(scheduler.nextDelayMs).toBe(2_000));
    await vi.waitFor(() => expect(run).toHaveBeenCalledTimes(2), { timeout: 5_000 });
    scheduler.stop();
  });

  it('backs off exponentially with full jitter, capped, and resets after a success', async () => {
    let failing = true;
    const run = vi.fn(async () => {
      if (failing) throw new ApiError('unavailable', 503);
      return synced;
    });
    const scheduler = new SyncScheduler({ run, random: () => 0.999999, lock: passThrough });
    vi.useFakeTimers();
    scheduler.start();
    await vi.waitFor(() => expect(run).toHaveBeenCalledTimes(1));
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      await vi.waitFor(() => expect(scheduler.failures).toBe(i + 1));
      delays.push(scheduler.nextDelayMs!);
      await vi.advanceTimersByTimeAsync(scheduler.nextDelayMs!);
    }
    scheduler.stop();

    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(Math.max(...delays)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    expect(delays.at(-1)!).toBeGreaterThan(BACKOFF_CAP_MS * 0.99);

    failing = false;
    scheduler.start();
    await vi.waitFor(() => expect(scheduler.failures).toBe(0));
    expect(scheduler.nextDelayMs).toBe(PERIOD_MS);
    scheduler.stop();
  });

  it('draws each delay uniformly below the ceiling', () => {
    expect(backoffDelay(1, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.5)).toBe(10_000);
    expect(backoffDelay(30, () => 0.5)).toBe(BACKOFF_CAP_MS / 2);
  });

  it('does not retry after a 401 until the person logs in', async () => {
    const run = vi.fn(async (): Promise<SyncOutcome> => {
      throw new NeedsLoginError('auth.session-expired');
    });
    const scheduler = new SyncScheduler({ run, lock: passThrough });
    vi.useFakeTimers();
    scheduler.start();
    const result = await scheduler.syncNow();
    expect(result.kind).toBe('failed');
    expect(scheduler.failures).toBe(0);
    expect(scheduler.nextDelayMs).toBe(PERIOD_MS);
    await vi.advanceTimersByTimeAsync(PERIOD_MS - 1_000);
    expect(run).toHaveBeenCalledTimes(2);
    scheduler.stop();
  });

  it('lets one tab sync at a time and runs without Web Locks where the browser has none', async () => {
    const held = new Set<string>();
    vi.stubGlobal('navigator', {
      onLine: true,
      locks: {
        request: async (name: string, _opts: unknown, cb: (lock: object | null) => Promise<unknown>) => {
          if (held.has(name)) return cb(null);
          held.add(name);
          try {
            return await cb({ name });
          } finally {
            held.delete(name);
          }
        },
      },
    });
    let release: () => void = () => undefined;
    const first = withSyncLock(() => new Promise<string>((r) => (release = () => r('first'))));
    expect(await withSyncLock(async () => 'second')).toBe('busy');
    release();
    expect(await first).toBe('first');

    vi.stubGlobal('navigator', { onLine: true });
    expect(await withSyncLock(async () => 'ran')).toBe('ran');
  });
});
