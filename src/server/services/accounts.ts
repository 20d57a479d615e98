/**
 * Creating accounts and resetting passwords — shared by the admin CLI, the demo seed and tests. Each role takes one
 * kind of scope: admin → everything; coordinator → a province, a commune or a pre-2025 district (stored as the new
 * communes that replaced it); team leader and volunteer → their team's commune.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeVnPhone } from '../../shared/phone.ts';
import { uuidv7 } from '../../shared/ids.ts';
import type { AppDb } from '../db/client.ts';
import { teamsRepository, usersRepository, type NewUser, type UserRow } from '../db/users.ts';
import { sessionsRepository } from '../db/sessions.ts';
import type { Role } from '../db/schema.ts';
import { fullUnitName } from '../../shared/areas.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords.ts';

export type ScopeSpec =
  | { kind: 'all' }
  | { kind: 'province'; code: string }
  | { kind: 'commune'; code: string }
  | { kind: 'district'; code: string; communes: string[] }
  | { kind: 'team'; teamId: string };

export class AccountError extends Error {
  override name = 'AccountError';
}

const ALLOWED_SCOPES: Record<Role, ScopeSpec['kind'][]> = {
  admin: ['all'],
  coordinator: ['province', 'commune', 'district'],
  'team-leader': ['team'],
  volunteer: ['team'],
};

/** A readable random password: 12 characters from an alphabet without look-alikes (0/O, 1/l/I). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
}

export async function createAccount(
  db: AppDb,
  input: { phone: string; name: string; role: Role; password: string; scope: ScopeSpec },
): Promise<UserRow> {
  const phone = normalizeVnPhone(input.phone);
  if (phone === null) throw new AccountError(`Số điện thoại không hợp lệ / Invalid phone number: ${input.phone}`);
  const name = input.name.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (name === '' || name.length > 100) throw new AccountError('Tên phải có 1–100 ký tự / The name must be 1–100 characters');
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AccountError(`Mật khẩu cần ít nhất ${MIN_PASSWORD_LENGTH} ký tự / The password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (!ALLOWED_SCOPES[input.role].includes(input.scope.kind)) {
    throw new AccountError(
      `Vai trò ${input.role} cần phạm vi / role ${input.role} needs a scope of kind: ${ALLOWED_SCOPES[input.role].join(' | ')}`,
    );
  }
  const users = usersRepository(db);
  if ((await users.findByPhone(phone)) !== undefined) {
    throw new AccountError('Số điện thoại này đã có tài khoản / This phone number already has an account');
  }
  const base = { id: uuidv7(), phone, name, role: input.role, passwordHash: await hashPassword(input.password), teamId: null };
  let scoped: Pick<NewUser, 'scopeKind' | 'scopeProvince' | 'scopeCommunes' | 'scopeLabel' | 'teamId'>;
  const s = input.scope;
  switch (s.kind) {
    case 'all':
      // 'all' is the one label that is not a name: the app shows it in the person's language.
      scoped = { scopeKind: 'all', scopeProvince: null, scopeCommunes: [], scopeLabel: 'all', teamId: null };
      break;
    case 'province':
      if (!/^\d{2}$/.test(s.code)) throw new AccountError(`Mã tỉnh không hợp lệ / Invalid province code: ${s.code}`);
      scoped = { scopeKind: 'province', scopeProvince: s.code, scopeCommunes: [], scopeLabel: unitLabel(s.code), teamId: null };
      break;
    case 'commune':
      if (!/^\d{5}$/.test(s.code)) throw new AccountError(`Mã xã không hợp lệ / Invalid commune code: ${s.code}`);
      scoped = { scopeKind: 'communes', scopeProvince: null, scopeCommunes: [s.code], scopeLabel: unitLabel(s.code), teamId: null };
      break;
    case 'district':
      if (s.communes.length === 0) throw new AccountError(`Huyện ${s.code} không có xã nào / District ${s.code} has no communes`);
      scoped = { scopeKind: 'communes', scopeProvince: null, scopeCommunes: s.communes, scopeLabel: districtLabel(s.code), teamId: null };
      break;
    case 'team': {
      const team = await teamsRepository(db).findById(s.teamId);
      if (team === undefined) throw new AccountError(`Không có tổ / No team with id ${s.teamId}`);
      scoped = {
        scopeKind: 'communes', scopeProvince: null, scopeCommunes: [team.communeCode],
        scopeLabel: `${team.name} — ${unitLabel(team.communeCode)}`, teamId: team.id,
      };
      break;
    }
  }
  return users.create({ ...base, ...scoped });
}

/** Sets a new password and ends every session of the account. */
export async function resetPassword(db: AppDb, phoneInput: string, password: string): Promise<UserRow> {
  const phone = normalizeVnPhone(phoneInput);
  const user = phone === null ? undefined : await usersRepository(db).findByPhone(phone);
  if (user === undefined) throw new AccountError('Không có tài khoản với số này / No account with this phone number');
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AccountError(`Mật khẩu cần ít nhất ${MIN_PASSWORD_LENGTH} ký tự / The password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  await usersRepository(db).setPassword(user.id, await hashPassword(password));
  await sessionsRepository(db).revokeAllForUser(user.id);
  return user;
}

interface Pre2025 {
  provinces: { code: string; districts: { code: string; communes: { code: string }[] }[] }[];
}
interface OldToNew {
  communes: Record<string, string[]>;
}

/**
 * The 2025 communes that replaced a pre-2025 district, from the data files (vn-admin-units-pre2025.json and
 * vn-admin-units-old-to-new-2025.json). Old communes split across new ones bring all of them in.
 */
export function communesOfOldDistrict(unitsDir: string, districtCode: string): string[] {
  const pre = JSON.parse(readFileSync(join(unitsDir, 'vn-admin-units-pre2025.json'), 'utf8')) as Pre2025;
  const map = JSON.parse(readFileSync(join(unitsDir, 'vn-admin-units-old-to-new-2025.json'), 'utf8')) as OldToNew;
  const district = pre.provinces.flatMap((p) => p.districts).find((d) => d.code === districtCode);
  if (district === undefined) throw new AccountError(`Không có huyện / No pre-2025 district with code ${districtCode}`);
  const result = new Set<string>();
  for (const c of district.communes) for (const n of map.communes[c.code] ?? []) result.add(n);
  return [...result].sort();
}

// ---- Readable scope labels, made of names from the data files only (no UI words: those live in locales/) -------

interface Units2025 {
  provinces: { code: string; name: string; type: string; communes: { code: string; name: string; type: string }[] }[];
}

let names2025: Map<string, string> | undefined;

/** "Xã Pù Luông, Tỉnh Thanh Hoá" for a commune code, "Tỉnh Thanh Hoá" for a province code; the code if unknown. */
export function unitLabel(code: string): string {
  if (names2025 === undefined) {
    const units = JSON.parse(
      readFileSync(new URL('../../../public/data/admin-units-2025.json', import.meta.url), 'utf8'),
    ) as Units2025;
    names2025 = new Map();
    for (const p of units.provinces) {
      names2025.set(p.code, fullUnitName(p));
      for (const c of p.communes) names2025.set(c.code, `${fullUnitName(c)}, ${fullUnitName(p)}`);
    }
  }
  return names2025.get(code) ?? code;
}

/** "Huyện Ngọc Lặc, Tỉnh Thanh Hoá" for a pre-2025 district code (the unit type itself dates it). */
export function districtLabel(code: string, unitsDir: string = fileURLToPath(new URL('../data', import.meta.url))): string {
  const pre = JSON.parse(readFileSync(join(unitsDir, 'vn-admin-units-pre2025.json'), 'utf8')) as {
    provinces: { name: string; type: string; districts: { code: string; name: string; type: string }[] }[];
  };
  for (const p of pre.provinces) {
    const d = p.districts.find((x) => x.code === code);
    if (d) return `${fullUnitName(d)}, ${fullUnitName(p)}`;
  }
  return code;
}
