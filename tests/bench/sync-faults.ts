/**
 * Sync fault-injection benchmark (issue 3): the simulation of tests/server/sync-faults.test.ts at 10× its size —
 * ≥ 10,000 operations over more devices — on PGlite in memory (or on DATABASE_URL's server). Prints the operations,
 * the faults injected by kind, the conflicts, the time and whether every device's checksum matched the server's.
 * Figures, not pass/fail on speed; it exits non-zero (throws) only when the devices did not converge.
 * SYNC_FAULTS_SEED picks the seed.
 */
import 'fake-indexeddb/auto';
import { openTestDatabase } from '../support/server-db.ts';
import { runSyncSimulation } from '../support/sync-sim/simulation.ts';
import { fmt, printTable } from './stats.ts';

const OPERATIONS = 10_000;
const DEVICES = 8;

export async function runSyncFaultsBench(): Promise<void> {
  const seed = process.env.SYNC_FAULTS_SEED ? Number(process.env.SYNC_FAULTS_SEED) : 20261122;
  const testDb = await openTestDatabase();
  try {
    const r = await runSyncSimulation({ seed, devices: DEVICES, operations: OPERATIONS, database: testDb.database, restarts: 5 });
    const matched = r.checksums.every((s) => s.devices.every((d) => d === s.server));
    const rows: [string, string, string, string][] = [
      ['database', testDb.database.kind, '', ''],
      ['seed', String(seed), '', ''],
      ['devices', `${DEVICES} + 1 in another commune`, '≥ 5', DEVICES >= 5 ? 'ok' : 'short'],
      ['operations', String(r.operations), `≥ ${OPERATIONS}`, r.operations >= OPERATIONS ? 'ok' : 'short'],
      ...Object.entries(r.operationsByKind).map(([k, n]): [string, string, string, string] => [`  ${k}`, String(n), '', '']),
      ['requests', String(r.requests), '', ''],
      ['syncs (failed)', `${r.syncs} (${r.failedSyncs})`, '', ''],
      ...Object.entries(r.faults).map(([k, n]): [string, string, string, string] => [`fault: ${k}`, String(n), '> 0', n > 0 ? 'ok' : 'none']),
      ['conflicts seen by devices', String(r.conflictsSeenByDevices), '', ''],
      ['conflicts recorded on server', String(r.conflictsOnServer), '≥ seen', r.conflictsOnServer >= r.conflictsSeenByDevices ? 'ok' : 'MISSING'],
      ['conflict decisions', String(r.conflictDecisions), '', ''],
      ['settle rounds', String(r.settleRounds), '', ''],
      ...r.checksums.map((s): [string, string, string, string] => [
        `checksum commune ${s.commune}`,
        `${s.server} (${s.records} records, ${s.visits} visits) on ${s.devices.length} device(s)`,
        'all equal',
        s.devices.every((d) => d === s.server) ? 'ok' : 'DIFFERENT',
      ]),
      ['time', `${fmt(r.durationMs / 1000, 1)} s`, '', ''],
      ['operations per second', fmt(r.operations / (r.durationMs / 1000), 0), '', ''],
    ];
    printTable(`Sync under faults: ${r.operations} operations on ${DEVICES + 1} devices`, rows);
    if (!matched || r.problems.length > 0) {
      throw new Error(`sync-faults (seed ${seed}) did not converge:\n${r.problems.join('\n')}`);
    }
  } finally {
    await testDb.close();
  }
}
