/**
 * Prepares a server database for the sync benchmarks before the server starts (PGlite: one process owns the data
 * directory, so this runs first and closes): migrations, then per commune a team, a volunteer account scoped to it
 * and that commune's hamlets, households, people (and optionally visits), written through the server's own
 * records repository (one multi-row upsert per chunk, content hashes as the push service computes them); then the
 * server's totals are caught up with them.
 */
import { openDatabase, type Database, type DatabaseTarget } from '../../../src/server/db/client.ts';
import { migrate } from '../../../src/server/db/migrate.ts';
import { teamsRepository } from '../../../src/server/db/users.ts';
import { lockWriters, recordsRepository, type RecordWrite } from '../../../src/server/db/records.ts';
import { createAccount } from '../../../src/server/services/accounts.ts';
import { createAggregator } from '../../../src/server/services/aggregator.ts';
import { contentHash } from '../../../src/server/services/content-hash.ts';
import { uuidv7 } from '../../../src/shared/ids.ts';
import type { Entity } from '../../../src/shared/records.ts';
import { generate } from '../harness/seed-data.ts';

export const BENCH_PASSWORD = 'bench-password-2026';
export const BENCH_PROVINCE = '38';

export interface CommuneSpec {
  communeCode: string;
  /** Volunteer phone (0 + 9 digits). */
  phone: string;
  /** More volunteers of the same team (another phone of the commune pulling what the first one pushed). */
  otherPhones?: string[];
  hamlets: number;
  households: number;
  peoplePerHousehold: number;
  visits: number;
}

export interface PreparedCommune {
  communeCode: string;
  phone: string;
  userId: string;
  /** The accounts of `otherPhones`, in order. */
  otherUserIds: string[];
  records: number;
  /** For request generators: each household with its hamlet and member ids. */
  households: { id: string; hamletId: string; memberIds: string[] }[];
}

const CHUNK = 5000;

async function writeAll(database: Database, writes: RecordWrite[]): Promise<void> {
  for (let i = 0; i < writes.length; i += CHUNK) {
    const chunk = writes.slice(i, i + CHUNK);
    await database.db.transaction(async (tx) => {
      await lockWriters(tx);
      await recordsRepository(tx).upsert(chunk);
    });
  }
}

function toWrite(entity: Entity, record: object, communeCode: string, userId: string): RecordWrite {
  const { receipt: _local, searchText: _search, ...rest } = record as Record<string, unknown>;
  // As the push service stores a new record: version 1, the content hash taken without it; a visit's stored data
  // has no version (the contract has none for it).
  const version = 1;
  const data = entity === 'visit' ? rest : { ...rest, version };
  return {
    entity,
    id: String(rest.id),
    provinceCode: BENCH_PROVINCE,
    communeCode,
    version,
    deleted: false,
    contentHash: contentHash(rest),
    data,
    updatedBy: userId,
  };
}

export async function prepareServerData(target: DatabaseTarget, communes: readonly CommuneSpec[]): Promise<PreparedCommune[]> {
  const database = await openDatabase(target);
  try {
    await migrate(database);
    const prepared: PreparedCommune[] = [];
    for (const [n, spec] of communes.entries()) {
      const team = await teamsRepository(database.db).create({
        id: uuidv7(),
        name: `Tổ CNSCĐ đo hiệu năng ${n + 1}`,
        provinceCode: BENCH_PROVINCE,
        communeCode: spec.communeCode,
      });
      const user = await createAccount(database.db, {
        phone: spec.phone,
        name: `Tình nguyện viên ${n + 1}`,
        role: 'volunteer',
        password: BENCH_PASSWORD,
        scope: { kind: 'team', teamId: team.id },
      });
      const otherUserIds: string[] = [];
      for (const [k, phone] of (spec.otherPhones ?? []).entries()) {
        const other = await createAccount(database.db, {
          phone,
          name: `Tình nguyện viên ${n + 1}.${k + 2}`,
          role: 'volunteer',
          password: BENCH_PASSWORD,
          scope: { kind: 'team', teamId: team.id },
        });
        otherUserIds.push(other.id);
      }
      const data = generate({ provinceCode: BENCH_PROVINCE, ...spec }, 42 + n);
      const writes: RecordWrite[] = [
        ...data.hamlets.map((h) => toWrite('hamlet', h, spec.communeCode, user.id)),
        ...data.households.map((h) => toWrite('household', h, spec.communeCode, user.id)),
        ...data.people.map((p) => toWrite('person', p, spec.communeCode, user.id)),
        ...data.visits.map((v) => toWrite('visit', { ...v, authorId: user.id }, spec.communeCode, user.id)),
      ];
      await writeAll(database, writes);
      const members = new Map<string, string[]>();
      for (const p of data.people) members.set(p.householdId, [...(members.get(p.householdId) ?? []), p.id]);
      prepared.push({
        communeCode: spec.communeCode,
        phone: spec.phone,
        userId: user.id,
        otherUserIds,
        records: writes.length,
        households: data.households.map((h) => ({ id: h.id, hamletId: h.hamletId, memberIds: members.get(h.id) ?? [] })),
      });
    }
    // A server that received these records by push would have its totals caught up with them already; left to the
    // server, the catch-up of the whole prepared data set would run in the middle of the timed passes.
    const aggregator = createAggregator(database, { batchSize: 5000 });
    try {
      for (;;) {
        const r = await aggregator.catchUp(30_000);
        if (r.watermark >= r.latestSeq) break;
      }
    } finally {
      await aggregator.stop();
    }
    return prepared;
  } finally {
    await database.close();
  }
}
