/** Accounts, teams and logged-in tokens for server tests, plus record builders that satisfy the shared schemas. */
import type { FastifyInstance } from 'fastify';
import { uuidv7 } from '../../src/shared/ids.ts';
import type { Hamlet, Household, Person, Visit } from '../../src/shared/records.ts';
import type { Database } from '../../src/server/db/client.ts';
import { teamsRepository } from '../../src/server/db/users.ts';
import { createAccount, type ScopeSpec } from '../../src/server/services/accounts.ts';
import type { Role } from '../../src/server/db/schema.ts';
import type { AuthUser } from '../../src/server/auth/authenticate.ts';

export const PASSWORD = 'mat-khau-thu-nghiem';
let phoneCounter = 0;

export function nextPhone(): string {
  phoneCounter += 1;
  return `09${String(10_000_000 + ((process.pid * 7919 + phoneCounter) % 89_999_999)).padStart(8, '0')}`;
}

export async function createTeam(database: Database, communeCode: string, provinceCode = '38'): Promise<string> {
  const team = await teamsRepository(database.db).create({ id: uuidv7(), name: `Tổ ${communeCode}`, provinceCode, communeCode });
  return team.id;
}

export interface TestUser {
  id: string;
  phone: string;
  token: string;
  auth: { authorization: string };
}

export async function loginAs(app: FastifyInstance, phone: string, password = PASSWORD): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

export async function createUser(
  app: FastifyInstance,
  database: Database,
  role: Role,
  scope: ScopeSpec,
): Promise<TestUser> {
  const phone = nextPhone();
  const user = await createAccount(database.db, { phone, name: `Người dùng ${role}`, role, password: PASSWORD, scope });
  const token = await loginAs(app, phone);
  return { id: user.id, phone, token, auth: { authorization: `Bearer ${token}` } };
}

/**
 * A volunteer of one commune as the push service sees one after authentication, for tests that call it directly
 * (`preparePush`, `applyPushGroup`, a writer) without HTTP: a stored account's id and phone, or made-up ones.
 */
export function communeVolunteer(communeCode: string, account: Pick<TestUser, 'id' | 'phone'> = { id: uuidv7(), phone: nextPhone() }): AuthUser {
  return {
    id: account.id, name: 'Tình nguyện viên', phone: account.phone, role: 'volunteer',
    scope: { kind: 'communes', communes: [communeCode] }, scopeLabel: communeCode, teamId: null, tokenHash: 'x',
  };
}

const NOW = '2026-11-20T08:00:00.000+07:00';

export function hamlet(communeCode: string, over: Partial<Hamlet> = {}, provinceCode = '38'): Hamlet {
  return { id: uuidv7(), provinceCode, communeCode, name: 'Thôn Đông', version: 0, deleted: false, updatedAt: NOW, ...over };
}

export function household(h: Hamlet, over: Partial<Household> = {}): Household {
  return {
    id: uuidv7(), provinceCode: h.provinceCode, communeCode: h.communeCode, hamletId: h.id, headName: 'Lò Văn Pành',
    address: 'Bản Pù Quăn', phone: null, note: '', version: 0, deleted: false, createdAt: NOW, updatedAt: NOW, ...over,
  };
}

export function person(hh: Household, over: Partial<Person> = {}): Person {
  return {
    id: uuidv7(), householdId: hh.id, fullName: 'Lò Thị Mai', birthYear: 1980, sex: 'female', relation: 'head',
    version: 0, deleted: false, createdAt: NOW, updatedAt: NOW, ...over,
  };
}

export function visit(hh: Household, authorId: string, over: Partial<Visit> = {}): Visit {
  return {
    id: uuidv7(), householdId: hh.id, hamletId: hh.hamletId, provinceCode: hh.provinceCode, communeCode: hh.communeCode,
    visitedAt: NOW, recordedAt: NOW, corrects: null, outcomes: [], notes: 'Hướng dẫn cài VNeID', followUpOn: null,
    authorId, ...over,
  };
}
