/**
 * Regressions found by the sync fault-injection test (tests/server/sync-faults.test.ts) on the device side.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../../src/client/db/database.ts';
import { createHamlet } from '../../../src/client/db/hamlets.ts';
import { applyPushResults, readPushBatch } from '../../../src/client/db/push-batch.ts';
import { saveSession } from '../../../src/client/db/sync-state.ts';
import { resolveConflict } from '../../../src/client/sync/resolve.ts';
import { syncEngineSettled, syncNow } from '../../../src/client/sync/scheduler.ts';
import type { LocalConflict } from '../../../src/client/db/database.ts';

const AREA = { provinceCode: '01', communeCode: '00004' };

afterEach(() => {
  vi.unstubAllGlobals();
});

async function logInLocally(): Promise<void> {
  await saveSession({
    token: 'token',
    expiresAt: '2099-01-01T00:00:00.000Z',
    user: { id: '0190a000-0000-7000-8000-000000000001', name: 'Hoa', phone: '0912•••678', role: 'volunteer', scope: { kind: 'communes', communes: ['00004'] }, scopeLabel: 'Ba Đình', teamId: null },
  });
}

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

describe('device side of sync', () => {
  it('does not stamp a push answer’s version on a record a conflict decision replaced while the push was in flight', async () => {
    const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
    const items = await readPushBatch(10, new Set());
    // A decision ("use the server's version") lands meanwhile: the record is replaced and its outbox entry dropped.
    await getDb().hamlets.put({ ...hamlet, name: 'Thôn Đông (máy chủ)', version: 2 });
    await getDb().outbox.clear();

    await applyPushResults(items, [{ entity: 'hamlet', id: hamlet.id, status: 'duplicate', version: 7, seq: 40 }]);

    expect(await getDb().hamlets.get(hamlet.id)).toMatchObject({ name: 'Thôn Đông (máy chủ)', version: 2 });
  });

  it('stores the server’s current copy when a person keeps the server’s version, not the older one shown with the conflict', async () => {
    await logInLocally();
    const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
    const conflict: LocalConflict = {
      id: '0190a000-0000-7000-8000-00000000c001', entity: 'hamlet', recordId: hamlet.id, problem: 'sync.stale-version',
      baseVersion: 0, serverVersion: 1, serverRecord: { ...hamlet, name: 'Thôn Cũ', version: 1 }, deviceRecord: { ...hamlet },
      createdAt: '2026-11-20T08:00:00.000Z',
    };
    await getDb().conflicts.put(conflict);
    vi.stubGlobal('fetch', async (url: string) =>
      url.endsWith('/resolve')
        ? json({ conflictId: conflict.id, choice: 'server', version: 3, seq: 12, record: { ...hamlet, name: 'Thôn Mới', version: 3 } })
        : new Response(null, { status: 503 }),
    );

    await resolveConflict(conflict, 'server');
    await syncEngineSettled();

    expect(await getDb().hamlets.get(hamlet.id)).toMatchObject({ name: 'Thôn Mới', version: 3 });
    expect(await getDb().outbox.count()).toBe(0);
  });

  it('lets tests wait for a sync started by syncNow without a running engine', async () => {
    await logInLocally();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let finished = false;
    vi.stubGlobal('fetch', async () => {
      await gate;
      return json({ changes: [], cursor: 0, hasMore: false });
    });

    void syncNow().then(() => (finished = true));
    const settled = syncEngineSettled().then(() => finished);
    release();

    expect(await settled).toBe(true);
  });
});
