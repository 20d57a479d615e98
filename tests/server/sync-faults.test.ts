// @vitest-environment node
/**
 * Sync under faults (issue 3): five devices of one commune and one of another run the real client engine against
 * the real server through a network that drops, loses, duplicates and reorders requests, with server restarts and
 * concurrent edits of one household. Afterwards every device holds exactly the server's data for its scope.
 * Replay a failure with SYNC_FAULTS_SEED=<seed from the message>.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { runSyncSimulation, type SimulationReport } from '../support/sync-sim/simulation.ts';

const SEED = process.env.SYNC_FAULTS_SEED ? Number(process.env.SYNC_FAULTS_SEED) : 20261122;
const DEVICES = 5;
const OPERATIONS = 1_000;

let testDb: TestDatabase;
let report: SimulationReport;

beforeAll(async () => {
  testDb = await openTestDatabase();
  report = await runSyncSimulation({ seed: SEED, devices: DEVICES, operations: OPERATIONS, database: testDb.database });
}, 120_000);

afterAll(async () => {
  await testDb.close();
});

describe(`sync with dropped, lost, duplicated and reordered requests (seed ${SEED})`, () => {
  it('ends with every device holding exactly the server’s records of its commune', () => {
    const context = `seed ${SEED}; replay with SYNC_FAULTS_SEED=${SEED}`;
    expect(report.problems, context).toEqual([]);
    for (const scope of report.checksums) {
      expect(scope.devices.length, context).toBeGreaterThan(0);
      expect(new Set([scope.server, ...scope.devices]), `${context}; commune ${scope.commune}`).toEqual(new Set([scope.server]));
    }
    expect(report.checksums.find((s) => s.devices.length === DEVICES)?.visits, context).toBeGreaterThan(0);
  });

  it('ran the planned operations through every kind of fault, a restart and concurrent edits', () => {
    const context = `seed ${SEED}`;
    expect(report.operations, context).toBeGreaterThanOrEqual(OPERATIONS);
    expect(report.faults.drop, context).toBeGreaterThan(0);
    expect(report.faults['lost-response'], context).toBeGreaterThan(0);
    expect(report.faults.duplicate, context).toBeGreaterThan(0);
    expect(report.faults.held, context).toBeGreaterThan(0);
    expect(report.faults['delivered-late'], context).toBe(report.faults.held);
    expect(report.faults.restart, context).toBeGreaterThan(0);
    expect(report.operationsByKind['concurrent-edit'], context).toBeGreaterThan(0);
    expect(report.conflictsSeenByDevices, context).toBeGreaterThan(0);
    expect(report.conflictsOnServer, context).toBeGreaterThanOrEqual(report.conflictsSeenByDevices);
  });
});
