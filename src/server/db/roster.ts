/**
 * Teams, their members and the roster audit trail (migration 0002). Raw SQL through Drizzle's `execute`: the
 * columns 0002 added to `teams` are not in the Drizzle schema, and an import inserts up to 10,000 members in one
 * statement (jsonb_to_recordset, as the sync hot path does). A member row carries its CCCD only encrypted
 * (`cccdCipher`) and as a keyed HMAC; decrypting and masking is the caller's business (services/rosters.ts).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Sex } from '../../shared/records.ts';
import type { Affiliation, TeamRole } from '../../shared/roster.ts';
import type { Scope } from '../auth/scope.ts';
import { rawRows, type Executor } from './raw.ts';

export interface TeamRecord {
  id: string;
  name: string;
  provinceCode: string;
  communeCode: string;
  hamletId: string | null;
  hamletName: string | null;
  memberCount: number;
  updatedAt: string;
}

export interface MemberRow {
  id: string;
  teamId: string;
  communeCode: string;
  fullName: string;
  cccdCipher: string;
  cccdHmac: string;
  phone: string;
  birthYear: number | null;
  sex: Sex | null;
  affiliation: Affiliation;
  role: TeamRole;
  updatedAt: string;
}

export type NewMember = Omit<MemberRow, 'updatedAt'>;

export interface HamletRow {
  id: string;
  provinceCode: string;
  communeCode: string;
  name: string;
}

/** Which teams a listing may show. */
export type TeamFilter = { kind: 'scope'; scope: Scope } | { kind: 'team'; teamId: string | null };

/** A unique index refused the write (a CCCD already listed in the commune). */
export class DuplicateCccdError extends Error {
  override name = 'DuplicateCccdError';
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e !== null && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

interface TeamSqlRow {
  id: string;
  name: string;
  province_code: string;
  commune_code: string;
  hamlet_id: string | null;
  hamlet_name: string | null;
  member_count: number;
  updated_at: Date | string;
}

interface MemberSqlRow {
  id: string;
  team_id: string;
  commune_code: string;
  full_name: string;
  cccd_cipher: string;
  cccd_hmac: string;
  phone: string;
  birth_year: number | null;
  sex: Sex | null;
  affiliation: Affiliation;
  role: TeamRole;
  updated_at: Date | string;
}

const TEAM_SELECT = sql`
  SELECT t.id::text AS id, t.name, t.province_code, t.commune_code, t.hamlet_id::text AS hamlet_id,
         h.data->>'name' AS hamlet_name,
         (SELECT count(*)::int FROM team_members m WHERE m.team_id = t.id) AS member_count, t.updated_at
  FROM teams t
  LEFT JOIN records h ON h.entity = 'hamlet' AND h.id = t.hamlet_id AND NOT h.deleted`;

const MEMBER_SELECT = sql`
  SELECT id::text AS id, team_id::text AS team_id, commune_code, full_name, cccd_cipher, cccd_hmac, phone, birth_year,
         sex, affiliation, role, updated_at
  FROM team_members`;

function toTeam(r: TeamSqlRow): TeamRecord {
  return {
    id: r.id, name: r.name, provinceCode: r.province_code, communeCode: r.commune_code, hamletId: r.hamlet_id,
    hamletName: r.hamlet_name, memberCount: Number(r.member_count), updatedAt: iso(r.updated_at),
  };
}

function toMember(r: MemberSqlRow): MemberRow {
  return {
    id: r.id, teamId: r.team_id, communeCode: r.commune_code, fullName: r.full_name, cccdCipher: r.cccd_cipher,
    cccdHmac: r.cccd_hmac, phone: r.phone, birthYear: r.birth_year, sex: r.sex, affiliation: r.affiliation,
    role: r.role, updatedAt: iso(r.updated_at),
  };
}

function teamCondition(filter: TeamFilter): SQL {
  if (filter.kind === 'team') return filter.teamId === null ? sql`false` : sql`t.id = ${filter.teamId}`;
  const scope = filter.scope;
  switch (scope.kind) {
    case 'all':
      return sql`true`;
    case 'province':
      return sql`t.province_code = ${scope.province}`;
    case 'communes':
      return sql`t.commune_code IN (SELECT jsonb_array_elements_text(${JSON.stringify(scope.communes)}::jsonb))`;
  }
}

export function rosterRepository(db: Executor) {
  return {
    async listTeams(filter: TeamFilter): Promise<TeamRecord[]> {
      const rows = await rawRows<TeamSqlRow>(db, sql`${TEAM_SELECT} WHERE ${teamCondition(filter)}`);
      return rows.map(toTeam);
    },

    async findTeam(id: string): Promise<TeamRecord | undefined> {
      const rows = await rawRows<TeamSqlRow>(db, sql`${TEAM_SELECT} WHERE t.id = ${id}`);
      return rows[0] === undefined ? undefined : toTeam(rows[0]);
    },

    async createTeam(team: { id: string; name: string; provinceCode: string; communeCode: string; hamletId: string | null }): Promise<void> {
      await db.execute(sql`
        INSERT INTO teams (id, name, province_code, commune_code, hamlet_id)
        VALUES (${team.id}, ${team.name}, ${team.provinceCode}, ${team.communeCode}, ${team.hamletId})`);
    },

    async updateTeam(id: string, patch: { name: string; hamletId: string | null }): Promise<void> {
      await db.execute(sql`UPDATE teams SET name = ${patch.name}, hamlet_id = ${patch.hamletId}, updated_at = now() WHERE id = ${id}`);
    },

    async deleteTeam(id: string): Promise<void> {
      await db.execute(sql`DELETE FROM teams WHERE id = ${id}`);
    },

    /** Accounts (users) that belong to the team: a team with accounts is not deleted under them. */
    async countAccounts(teamId: string): Promise<number> {
      const rows = await rawRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM users WHERE team_id = ${teamId}`);
      return Number(rows[0]?.n ?? 0);
    },

    async listMembers(teamId: string): Promise<MemberRow[]> {
      const rows = await rawRows<MemberSqlRow>(db, sql`${MEMBER_SELECT} WHERE team_id = ${teamId}`);
      return rows.map(toMember);
    },

    async findMember(teamId: string, memberId: string): Promise<MemberRow | undefined> {
      const rows = await rawRows<MemberSqlRow>(db, sql`${MEMBER_SELECT} WHERE team_id = ${teamId} AND id = ${memberId}`);
      return rows[0] === undefined ? undefined : toMember(rows[0]);
    },

    /** Members of the commune already listed with one of these CCCD HMACs: hmac → member id. */
    async membersByHmac(communeCode: string, hmacs: readonly string[]): Promise<Map<string, string>> {
      if (hmacs.length === 0) return new Map();
      const rows = await rawRows<{ id: string; cccd_hmac: string }>(
        db,
        sql`SELECT id::text AS id, cccd_hmac FROM team_members
            WHERE commune_code = ${communeCode}
              AND cccd_hmac IN (SELECT jsonb_array_elements_text(${JSON.stringify(hmacs)}::jsonb))`,
      );
      return new Map(rows.map((r) => [r.cccd_hmac, r.id]));
    },

    /** Inserts members in one statement; a CCCD already listed in the commune → DuplicateCccdError. */
    async insertMembers(members: readonly NewMember[], userId: string): Promise<void> {
      if (members.length === 0) return;
      const payload = JSON.stringify(
        members.map((m) => ({
          id: m.id, team_id: m.teamId, commune_code: m.communeCode, full_name: m.fullName, cccd_cipher: m.cccdCipher,
          cccd_hmac: m.cccdHmac, phone: m.phone, birth_year: m.birthYear, sex: m.sex, affiliation: m.affiliation,
          role: m.role,
        })),
      );
      try {
        await db.execute(sql`
          INSERT INTO team_members (id, team_id, commune_code, full_name, cccd_cipher, cccd_hmac, phone, birth_year, sex,
                                    affiliation, role, created_by, updated_by)
          SELECT x.id, x.team_id, x.commune_code, x.full_name, x.cccd_cipher, x.cccd_hmac, x.phone, x.birth_year, x.sex,
                 x.affiliation, x.role, ${userId}, ${userId}
          FROM jsonb_to_recordset(${payload}::jsonb) AS x(id uuid, team_id uuid, commune_code text, full_name text,
               cccd_cipher text, cccd_hmac text, phone text, birth_year int, sex text, affiliation text, role text)`);
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateCccdError('CCCD already listed in the commune', { cause: error });
        throw error;
      }
    },

    async updateMember(member: NewMember, userId: string): Promise<void> {
      try {
        await db.execute(sql`
          UPDATE team_members SET full_name = ${member.fullName}, cccd_cipher = ${member.cccdCipher},
            cccd_hmac = ${member.cccdHmac}, phone = ${member.phone}, birth_year = ${member.birthYear}, sex = ${member.sex},
            affiliation = ${member.affiliation}, role = ${member.role}, updated_by = ${userId}, updated_at = now()
          WHERE id = ${member.id} AND team_id = ${member.teamId}`);
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateCccdError('CCCD already listed in the commune', { cause: error });
        throw error;
      }
    },

    async deleteMember(teamId: string, memberId: string): Promise<void> {
      await db.execute(sql`DELETE FROM team_members WHERE team_id = ${teamId} AND id = ${memberId}`);
    },

    /** Records who did what; `detail` must never hold a CCCD or a phone. */
    async audit(entry: {
      id: string; userId: string; action: string; teamId?: string | null; memberId?: string | null;
      communeCode?: string | null; detail?: Record<string, string | number>;
    }): Promise<void> {
      await db.execute(sql`
        INSERT INTO roster_audit (id, user_id, action, team_id, member_id, commune_code, detail)
        VALUES (${entry.id}, ${entry.userId}, ${entry.action}, ${entry.teamId ?? null}, ${entry.memberId ?? null},
                ${entry.communeCode ?? null}, ${JSON.stringify(entry.detail ?? {})}::jsonb)`);
    },

    // ---- Hamlets and households (synced records) --------------------------------------------------------------

    async listHamlets(communeCode: string): Promise<{ id: string; name: string }[]> {
      return rawRows<{ id: string; name: string }>(
        db,
        sql`SELECT id::text AS id, data->>'name' AS name FROM records
            WHERE entity = 'hamlet' AND commune_code = ${communeCode} AND NOT deleted`,
      );
    },

    async findHamlet(id: string): Promise<HamletRow | undefined> {
      const rows = await rawRows<{ id: string; province_code: string; commune_code: string; name: string }>(
        db,
        sql`SELECT id::text AS id, province_code, commune_code, data->>'name' AS name FROM records
            WHERE entity = 'hamlet' AND id = ${id} AND NOT deleted`,
      );
      const r = rows[0];
      return r === undefined ? undefined : { id: r.id, provinceCode: r.province_code, communeCode: r.commune_code, name: r.name };
    },

    /** Head name and address of every household in a hamlet (to refuse importing the same household twice). */
    async householdsInHamlet(communeCode: string, hamletId: string): Promise<{ headName: string; address: string }[]> {
      return rawRows<{ headName: string; address: string }>(
        db,
        sql`SELECT data->>'headName' AS "headName", coalesce(data->>'address', '') AS address FROM records
            WHERE entity = 'household' AND commune_code = ${communeCode} AND NOT deleted AND data->>'hamletId' = ${hamletId}`,
      );
    },
  };
}
