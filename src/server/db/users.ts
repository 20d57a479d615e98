/** Accounts and teams: a repository factory over a Drizzle handle (the database or a transaction). */
import { eq } from 'drizzle-orm';
import type { AppDb } from './client.ts';
import { teams, users, type Role, type ScopeKind } from './schema.ts';

export type UserRow = typeof users.$inferSelect;
export type TeamRow = typeof teams.$inferSelect;

export interface NewUser {
  id: string;
  phone: string;
  name: string;
  role: Role;
  passwordHash: string;
  scopeKind: ScopeKind;
  scopeProvince: string | null;
  scopeCommunes: string[];
  scopeLabel: string;
  teamId: string | null;
}

export function usersRepository(db: AppDb) {
  return {
    async findByPhone(phone: string): Promise<UserRow | undefined> {
      const rows = await db.select().from(users).where(eq(users.phone, phone)).limit(1);
      return rows[0];
    },
    async findById(id: string): Promise<UserRow | undefined> {
      const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return rows[0];
    },
    async create(user: NewUser): Promise<UserRow> {
      const [row] = await db.insert(users).values(user).returning();
      if (row === undefined) throw new Error('insert returned no row');
      return row;
    },
    async setPassword(id: string, passwordHash: string): Promise<void> {
      await db.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, id));
    },
    async list(): Promise<UserRow[]> {
      return db.select().from(users).orderBy(users.createdAt);
    },
    async count(): Promise<number> {
      const rows = await db.select({ id: users.id }).from(users).limit(1);
      return rows.length;
    },
  };
}

export function teamsRepository(db: AppDb) {
  return {
    async create(team: { id: string; name: string; provinceCode: string; communeCode: string }): Promise<TeamRow> {
      const [row] = await db.insert(teams).values(team).returning();
      if (row === undefined) throw new Error('insert returned no row');
      return row;
    },
    async findById(id: string): Promise<TeamRow | undefined> {
      const rows = await db.select().from(teams).where(eq(teams.id, id)).limit(1);
      return rows[0];
    },
  };
}
