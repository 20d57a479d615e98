/**
 * Roster rules shared by the team and import routes: who may do what with a team, the communes a user may pick
 * (from the 2025 list in public/data), and the masked view of a member.
 *
 * Who may do what (README, Decisions):
 *  - admin: everything;
 *  - coordinator: every team in their scope — create, rename, delete, edit members, import; the whole CCCD and phone
 *    only when their scope is communes (a commune or pre-2025 district coordinator), not a whole province;
 *  - team leader: their own team — rename, edit members, import members, import households in the commune, see
 *    the whole numbers;
 *  - volunteer: read their own team's list, masked;
 *  - anyone else: 403. Every "show" is audited, without the number.
 */
import { readFileSync } from 'node:fs';
import { fullUnitName } from '../../shared/areas.ts';
import { maskCccd } from '../../shared/cccd.ts';
import { maskVnPhone } from '../../shared/phone.ts';
import type { CommuneOption, MemberView, TeamPermissions } from '../../shared/roster.ts';
import { viCollator } from '../../shared/text-fold.ts';
import type { AuthUser } from '../auth/authenticate.ts';
import { scopeAllows, type Scope } from '../auth/scope.ts';
import type { MemberRow } from '../db/roster.ts';
import type { CccdCipher } from './cccd-crypto.ts';

export interface TeamArea {
  id: string;
  provinceCode: string;
  communeCode: string;
}

const NONE: TeamPermissions & { read: boolean } = { read: false, manageTeam: false, deleteTeam: false, editMembers: false, reveal: false };

export function teamAccess(user: AuthUser, team: TeamArea): TeamPermissions & { read: boolean } {
  switch (user.role) {
    case 'admin':
      return { read: true, manageTeam: true, deleteTeam: true, editMembers: true, reveal: true };
    case 'coordinator':
      if (!scopeAllows(user.scope, team.provinceCode, team.communeCode)) return NONE;
      return { read: true, manageTeam: true, deleteTeam: true, editMembers: true, reveal: user.scope.kind === 'communes' };
    case 'team-leader':
      if (user.teamId !== team.id) return NONE;
      return { read: true, manageTeam: true, deleteTeam: false, editMembers: true, reveal: true };
    case 'volunteer':
      return user.teamId === team.id ? { ...NONE, read: true } : NONE;
  }
}

/** Creating teams: admins anywhere, coordinators in their scope. */
export function mayCreateTeam(user: AuthUser, provinceCode: string, communeCode: string): boolean {
  if (user.role === 'admin') return true;
  return user.role === 'coordinator' && scopeAllows(user.scope, provinceCode, communeCode);
}

/** Importing households into a commune's hamlet: admins, coordinators in scope, team leaders of that commune. */
export function mayImportHouseholds(user: AuthUser, provinceCode: string, communeCode: string): boolean {
  if (user.role === 'admin') return true;
  if (user.role !== 'coordinator' && user.role !== 'team-leader') return false;
  return scopeAllows(user.scope, provinceCode, communeCode);
}

// ---- The 2025 communes --------------------------------------------------------------------------------------

interface Units2025 {
  provinces: { code: string; name: string; type: string; communes: { code: string; name: string; type: string }[] }[];
}

let communes: Map<string, CommuneOption> | undefined;

function communeIndex(): Map<string, CommuneOption> {
  if (communes === undefined) {
    const units = JSON.parse(
      readFileSync(new URL('../../../public/data/admin-units-2025.json', import.meta.url), 'utf8'),
    ) as Units2025;
    communes = new Map();
    for (const p of units.provinces) {
      for (const c of p.communes) {
        communes.set(c.code, { code: c.code, name: `${fullUnitName(c)}, ${fullUnitName(p)}`, provinceCode: p.code });
      }
    }
  }
  return communes;
}

export function findCommune(code: string): CommuneOption | undefined {
  return communeIndex().get(code);
}

/** The communes a user may pick, sorted by name in Vietnamese order. */
export function communesInScope(scope: Scope): CommuneOption[] {
  const all = [...communeIndex().values()];
  const allowed =
    scope.kind === 'all' ? all : all.filter((c) => scopeAllows(scope, c.provinceCode, c.code));
  return allowed.sort((a, b) => viCollator().compare(a.name, b.name));
}

// ---- Views ----------------------------------------------------------------------------------------------------

/** A member as every answer shows it: CCCD and phone masked. */
export function memberView(row: MemberRow, cipher: CccdCipher): MemberView {
  return {
    id: row.id,
    teamId: row.teamId,
    fullName: row.fullName,
    cccd: maskCccd(cipher.decrypt(row.cccdCipher, row.id)),
    phone: maskVnPhone(row.phone),
    birthYear: row.birthYear,
    sex: row.sex,
    affiliation: row.affiliation,
    role: row.role,
    updatedAt: row.updatedAt,
  };
}
