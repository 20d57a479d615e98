/**
 * The push writer gives the event loop several turns before each group (src/server/services/sync-push.ts,
 * TURNS_BEFORE_GROUP). Node accepts one new connection per turn, and on PGlite a group holds the thread for its whole
 * transaction: with one turn per group, phones that connected while pushes queued were accepted one per group and
 * waited seconds before the server even read their request. Here a listening socket stands for the HTTP server: the
 * connections opened while sixteen groups are applied must all be accepted before the last group is answered.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Change } from '../../src/shared/sync.ts';
import { applyPushGroup, createPushWriter, preparePush } from '../../src/server/services/sync-push.ts';
import { openTestDatabase, resetData, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { communeVolunteer, createTeam, createUser, hamlet, household, visit } from '../support/server-fixtures.ts';

const A = '14845';
const CONNECTIONS = 40;
const GROUPS = 16;
const PER_GROUP = 500;
let testDb: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000, aggregateInBackground: false });
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});

const created = (entity: Change['entity'], record: Change['record']) => ({ entity, baseVersion: null, record }) as Change;

it('accepts the connections that arrive while pushes queue, not one per group', async () => {
  await resetData(testDb.database);
  const volunteer = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: await createTeam(testDb.database, A) });
  const user = communeVolunteer(A, volunteer);
  const h = hamlet(A);
  const homes = Array.from({ length: 50 }, () => household(h));
  await applyPushGroup(testDb.database.db, [
    preparePush(user, 'device-0001', [created('hamlet', h), ...homes.map((hh) => created('household', hh))]),
  ]);

  let accepted = 0;
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    // One group per push (maxChanges = one batch), queued before any of them is applied.
    const writer = createPushWriter(testDb.database.db, { maxChanges: PER_GROUP });
    const pushes = Array.from({ length: GROUPS }, (_, g) =>
      writer.push(user, 'device-0001', Array.from({ length: PER_GROUP }, (_, i) => created('visit', visit(homes[(g + i) % homes.length]!, volunteer.id)))),
    );
    const clients = Array.from({ length: CONNECTIONS }, () => connect(port, '127.0.0.1').on('error', () => undefined));
    const results = await Promise.all(pushes);
    const acceptedWhilePushing = accepted;

    expect(results.flat().filter((r) => r.status === 'applied')).toHaveLength(GROUPS * PER_GROUP);
    expect(acceptedWhilePushing).toBe(CONNECTIONS);
    for (const c of clients) c.destroy();
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
