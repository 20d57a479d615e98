/**
 * Household link codes and the self-checks residents send through them.
 *
 * - A volunteer in scope creates a link for a household the server knows; the code is returned once and only its
 *   SHA-256 is stored. Listing shows hints, never codes; revoking keeps the row so the code stays refused.
 * - Anyone holding a live code may learn the hamlet's name and send a self-check. Unknown and revoked codes get the
 *   same answer (`link.not-found`), so the endpoint tells a guesser nothing about which codes ever existed.
 * - A self-check becomes an immutable record of entity 'self-check' in the household's commune, with the next
 *   sequence number under the writers' lock (so pulls never skip it). Same id again: `duplicate` when the content
 *   is the same, `sync.id-conflict` when it is not; the stored one is never overwritten.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { uuidv7 } from '../../shared/ids.ts';
import { generateLinkCode, type HouseholdLinkCreated, type HouseholdLinkSummary } from '../../shared/household-link.ts';
import { selfCheckSchema, type SelfCheck, type SelfCheckSubmission } from '../../shared/self-check.ts';
import type { AppDb } from '../db/client.ts';
import { rawRows, type Executor } from '../db/raw.ts';
import { lockWriters } from '../db/records.ts';
import { scopeAllows } from '../auth/scope.ts';
import type { AuthUser } from '../auth/authenticate.ts';
import { ProblemError } from '../problem-error.ts';
import { contentHash } from './content-hash.ts';

export function hashLinkCode(normalizedCode: string): string {
  return createHash('sha256').update(`household-link:${normalizedCode}`).digest('hex');
}

interface HouseholdPlace {
  id: string;
  hamletId: string;
  provinceCode: string;
  communeCode: string;
}

interface LinkRow {
  id: string;
  household_id: string;
  hamlet_id: string;
  province_code: string;
  commune_code: string;
  hint: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();

function toSummary(r: LinkRow): HouseholdLinkSummary {
  return {
    id: r.id,
    householdId: r.household_id,
    hint: r.hint,
    createdAt: iso(r.created_at),
    revokedAt: r.revoked_at === null ? null : iso(r.revoked_at),
  };
}

async function findHousehold(db: Executor, householdId: string): Promise<HouseholdPlace | null> {
  const rows = await rawRows<{ data: Record<string, unknown> | string; province_code: string; commune_code: string }>(
    db,
    sql`SELECT data, province_code, commune_code FROM records
        WHERE entity = 'household' AND id = ${householdId}::uuid AND deleted = false`,
  );
  const row = rows[0];
  if (row === undefined) return null;
  const data = typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : row.data;
  return {
    id: householdId,
    hamletId: String(data.hamletId),
    provinceCode: row.province_code,
    communeCode: row.commune_code,
  };
}

async function hamletName(db: Executor, hamletId: string): Promise<string> {
  const rows = await rawRows<{ name: string | null }>(
    db,
    sql`SELECT data->>'name' AS name FROM records WHERE entity = 'hamlet' AND id = ${hamletId}::uuid`,
  );
  return rows[0]?.name ?? '';
}

/** The household, if it exists and the user may work on it: 404 when the server has never seen it, 403 outside scope. */
async function householdInScope(db: Executor, user: AuthUser, householdId: string): Promise<HouseholdPlace> {
  const household = await findHousehold(db, householdId);
  if (household === null) throw new ProblemError('not-found', 'The server has no such household (sync it first).');
  if (!scopeAllows(user.scope, household.provinceCode, household.communeCode)) throw new ProblemError('auth.forbidden');
  return household;
}

export async function createHouseholdLink(db: AppDb, user: AuthUser, householdId: string): Promise<HouseholdLinkCreated> {
  const household = await householdInScope(db, user, householdId);
  const name = await hamletName(db, household.hamletId);
  // 65 random bits: a collision with a stored hash is beyond any real chance, but the unique index decides.
  for (let attempt = 0; ; attempt++) {
    const code = generateLinkCode();
    const id = uuidv7();
    const rows = await rawRows<{ created_at: Date | string }>(
      db,
      sql`INSERT INTO household_links (id, household_id, hamlet_id, province_code, commune_code, code_hash, hint, created_by)
          VALUES (${id}::uuid, ${household.id}::uuid, ${household.hamletId}::uuid, ${household.provinceCode},
                  ${household.communeCode}, ${hashLinkCode(code)}, ${code.slice(-4)}, ${user.id}::uuid)
          ON CONFLICT (code_hash) DO NOTHING
          RETURNING created_at`,
    );
    const created = rows[0];
    if (created !== undefined) {
      return { id, householdId: household.id, code, hamletName: name, createdAt: iso(created.created_at) };
    }
    if (attempt >= 2) throw new Error('could not draw a unique household link code');
  }
}

export async function listHouseholdLinks(db: AppDb, user: AuthUser, householdId: string): Promise<HouseholdLinkSummary[]> {
  await householdInScope(db, user, householdId);
  const rows = await rawRows<LinkRow>(
    db,
    sql`SELECT id::text AS id, household_id::text AS household_id, hamlet_id::text AS hamlet_id, province_code,
               commune_code, hint, created_at, revoked_at
        FROM household_links WHERE household_id = ${householdId}::uuid ORDER BY created_at DESC, household_links.id DESC`,
  );
  return rows.map(toSummary);
}

export async function revokeHouseholdLink(db: AppDb, user: AuthUser, linkId: string): Promise<HouseholdLinkSummary> {
  const rows = await rawRows<LinkRow>(
    db,
    sql`SELECT id::text AS id, household_id::text AS household_id, hamlet_id::text AS hamlet_id, province_code,
               commune_code, hint, created_at, revoked_at
        FROM household_links WHERE id = ${linkId}::uuid`,
  );
  const link = rows[0];
  if (link === undefined) throw new ProblemError('not-found');
  if (!scopeAllows(user.scope, link.province_code, link.commune_code)) throw new ProblemError('auth.forbidden');
  if (link.revoked_at !== null) return toSummary(link);
  const updated = await rawRows<{ revoked_at: Date | string }>(
    db,
    sql`UPDATE household_links SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, ${user.id}::uuid)
        WHERE id = ${linkId}::uuid RETURNING revoked_at`,
  );
  return toSummary({ ...link, revoked_at: updated[0]?.revoked_at ?? new Date() });
}

/** The live link of a code, or the uniform `link.not-found` (unknown, revoked, or its household deleted). */
async function liveLink(db: Executor, normalizedCode: string): Promise<{ household: HouseholdPlace }> {
  const rows = await rawRows<{ household_id: string }>(
    db,
    sql`SELECT household_id::text AS household_id FROM household_links
        WHERE code_hash = ${hashLinkCode(normalizedCode)} AND revoked_at IS NULL`,
  );
  const householdId = rows[0]?.household_id;
  const household = householdId === undefined ? null : await findHousehold(db, householdId);
  if (household === null) throw new ProblemError('link.not-found');
  return { household };
}

/** What a code reveals: the hamlet's name, nothing about the household or its people. */
export async function lookupLinkCode(db: AppDb, normalizedCode: string): Promise<{ hamletName: string }> {
  const { household } = await liveLink(db, normalizedCode);
  return { hamletName: await hamletName(db, household.hamletId) };
}

export async function submitSelfCheck(
  db: AppDb,
  normalizedCode: string,
  submission: SelfCheckSubmission,
): Promise<{ status: 'applied' | 'duplicate' }> {
  return db.transaction(async (tx) => {
    await lockWriters(tx);
    const { household } = await liveLink(tx, normalizedCode);
    // The fingerprint leaves out receivedAt (the server's clock): a retried send is the same self-check.
    const hash = contentHash({ ...submission, householdId: household.id });
    const existing = await rawRows<{ content_hash: string }>(
      tx,
      sql`SELECT content_hash FROM records WHERE entity = 'self-check' AND id = ${submission.id}::uuid`,
    );
    if (existing[0] !== undefined) {
      if (existing[0].content_hash === hash) return { status: 'duplicate' as const };
      throw new ProblemError('sync.id-conflict');
    }
    const record: SelfCheck = selfCheckSchema.parse({
      id: submission.id,
      householdId: household.id,
      hamletId: household.hamletId,
      provinceCode: household.provinceCode,
      communeCode: household.communeCode,
      answeredAt: submission.answeredAt,
      receivedAt: new Date().toISOString(),
      answers: submission.answers,
    });
    await tx.execute(
      sql`INSERT INTO records (entity, id, province_code, commune_code, version, seq, deleted, content_hash, data, updated_by, updated_at)
          VALUES ('self-check', ${record.id}::uuid, ${record.provinceCode}, ${record.communeCode}, 1, nextval('change_seq'),
                  false, ${hash}, ${JSON.stringify(record)}::jsonb, NULL, now())`,
    );
    return { status: 'applied' as const };
  });
}
