/**
 * Requests first (src/server/plugins/foreground-requests.ts): background work (the totals' catch-up) waits for
 * `foregroundQuiet` before each of its transactions, and every request being answered counts — a pull, a login —
 * not only pushes. On PGlite a background transaction blocks the one thread for its whole length: a second phone's
 * pull that let the catch-up in between its steps waited 3.5–4.5 s per page.
 */
import { createConnection, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Change } from '../../src/shared/sync.ts';
import { FOREGROUND_IDLE_MS, foregroundQuiet } from '../../src/server/plugins/foreground-requests.ts';
import { createRecordStatistics } from '../../src/server/db/records.ts';
import { rawRows, type Executor } from '../../src/server/db/raw.ts';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { listenTestApp } from '../support/server-app.ts';
import { createTeam, createUser, hamlet, household, visit, type TestUser } from '../support/server-fixtures.ts';

const COMMUNE = '14845';
let testDb: TestDatabase;
let app: FastifyInstance;
let volunteer: TestUser;
let port: number;

beforeAll(async () => {
  testDb = await openTestDatabase();
  ({ app, port } = await listenTestApp(testDb.database, { loginPerIpPerMinute: 10_000, aggregateInBackground: false }));
  volunteer = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: await createTeam(testDb.database, COMMUNE) });
  const h = hamlet(COMMUNE);
  const home = household(h);
  const changes: Change[] = [
    { entity: 'hamlet', baseVersion: 0, record: h },
    { entity: 'household', baseVersion: 0, record: home },
    ...Array.from({ length: 400 }, (): Change => ({ entity: 'visit', baseVersion: null, record: visit(home, volunteer.id) })),
  ];
  const res = await app.inject({ method: 'POST', url: '/api/sync/push', headers: volunteer.auth, payload: { deviceId: 'device-0001', changes } });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});

const db = () => testDb.database.db;
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise.then(() => 'done' as const), new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms))]);

/** A login whose body never finishes arriving, on a socket of its own; resolves once the server is reading it. */
async function loginStillArriving(): Promise<Socket> {
  const socket = createConnection({ port, host: '127.0.0.1' });
  const body = JSON.stringify({ phone: volunteer.phone, password: 'mat-khau-thu-nghiem' });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    // With `Expect: 100-continue` Node answers "100 Continue" as it hands the request to the app: from then on the
    // request is being answered.
    socket.once('data', (data) => (String(data).startsWith('HTTP/1.1 100') ? resolve() : reject(new Error(String(data)))));
    socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
    );
  });
  socket.write(body.slice(0, 10));
  return socket;
}

describe('background work waiting for the requests being answered', () => {
  it('goes at once when no request is being answered', async () => {
    expect(await within(foregroundQuiet(db(), 60_000), 2_000)).toBe('done');
  });

  it('goes after a pull page has its answer, not between the pull’s steps', async () => {
    const order: string[] = [];
    const pulled = app
      .inject({ method: 'GET', url: '/api/sync/pull?after=0&limit=2000', headers: { ...volunteer.auth, 'accept-encoding': 'gzip' } })
      .then((res) => {
        order.push('pull answered');
        return res;
      });
    const background = foregroundQuiet(db(), 60_000).then(() => order.push('background goes'));
    const [res] = await Promise.all([pulled, background]);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(order).toEqual(['pull answered', 'background goes']);
  });

  it('gives a device that was just answered a moment to send its next request before going', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/sync/pull?after=0&limit=10', headers: volunteer.auth });
    expect(res.statusCode).toBe(200);
    const answered = performance.now();
    await foregroundQuiet(db(), 60_000);
    expect(performance.now() - answered).toBeGreaterThanOrEqual(FOREGROUND_IDLE_MS - 5);
  });

  it('waits for a request of any kind whose body is still on its way, and goes once its client gives up', async () => {
    const socket = await loginStillArriving();
    try {
      const background = foregroundQuiet(db(), 60_000);
      expect(await within(background, 300)).toBe('still waiting');
      socket.destroy();
      expect(await within(background, 5_000)).toBe('done');
    } finally {
      socket.destroy();
    }
  });

  it('stops waiting after the time it asked for, while a request is still being answered', async () => {
    const socket = await loginStillArriving();
    try {
      const patient = foregroundQuiet(db(), 60_000);
      const started = Date.now();
      await foregroundQuiet(db(), 100);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      // The request is still open: background work that asked for longer still waits for it.
      expect(await within(patient, 50)).toBe('still waiting');
      socket.destroy();
      expect(await within(patient, 5_000)).toBe('done');
    } finally {
      socket.destroy();
    }
  });
});

describe('the records’ planner statistics, refreshed in the background after pushes', () => {
  it('waits for the requests being answered before it analyzes the table', async () => {
    const statements: string[] = [];
    const db = testDb.database.db;
    const dialect = new PgDialect();
    const watched: Executor = {
      execute: ((query: SQL) => {
        statements.push(dialect.sqlToQuery(query).sql);
        return db.execute(query);
      }) as Executor['execute'],
    };
    let letGo!: () => void;
    const requestsAnswered = new Promise<void>((resolve) => (letGo = resolve));
    const statistics = createRecordStatistics(watched, { yieldTo: () => requestsAnswered });
    const analyzes = () => statements.filter((s) => s.startsWith('ANALYZE')).length;

    statistics.noteWritten(20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(analyzes()).toBe(0);

    letGo();
    await expect.poll(analyzes, { timeout: 10_000 }).toBe(1);
    // The table was analyzed: the planner has statistics of the columns pulls filter on.
    const [row] = await rawRows<{ n: number }>(db, sql`
      SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'records' AND attname = 'commune_code'`);
    expect(row?.n).toBe(1);
  });
});
