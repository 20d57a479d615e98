/**
 * The Drizzle view of the tables created by the numbered SQL migrations in ./migrations. The SQL files are the
 * source of truth (they run unchanged on PGlite and PostgreSQL); this file only types queries against them.
 */
import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

import type { Role } from '../../shared/auth.ts';

export { ROLES, type Role } from '../../shared/auth.ts';
export type ScopeKind = 'all' | 'province' | 'communes';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const teams = pgTable('teams', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  provinceCode: text('province_code').notNull(),
  communeCode: text('commune_code').notNull(),
  createdAt: createdAt(),
});

export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  phone: text('phone').notNull().unique(),
  name: text('name').notNull(),
  role: text('role').$type<Role>().notNull(),
  passwordHash: text('password_hash').notNull(),
  scopeKind: text('scope_kind').$type<ScopeKind>().notNull(),
  scopeProvince: text('scope_province'),
  scopeCommunes: text('scope_communes').array().notNull().default([]),
  scopeLabel: text('scope_label').notNull(),
  teamId: uuid('team_id').references(() => teams.id),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export const records = pgTable(
  'records',
  {
    entity: text('entity').notNull(),
    id: uuid('id').notNull(),
    provinceCode: text('province_code').notNull(),
    communeCode: text('commune_code').notNull(),
    version: integer('version').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    deleted: boolean('deleted').notNull().default(false),
    contentHash: text('content_hash').notNull(),
    data: jsonb('data').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.entity, t.id] })],
);

export const conflicts = pgTable('conflicts', {
  id: uuid('id').primaryKey(),
  entity: text('entity').notNull(),
  recordId: uuid('record_id').notNull(),
  provinceCode: text('province_code').notNull(),
  communeCode: text('commune_code').notNull(),
  problem: text('problem').notNull(),
  baseVersion: integer('base_version'),
  serverVersion: integer('server_version').notNull(),
  serverRecord: jsonb('server_record').notNull(),
  deviceRecord: jsonb('device_record').notNull(),
  deviceId: text('device_id').notNull(),
  userId: uuid('user_id').notNull().references(() => users.id),
  createdAt: createdAt(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  resolvedBy: uuid('resolved_by').references(() => users.id),
  resolution: text('resolution').$type<'device' | 'server' | 'merged'>(),
});

export const schema = { teams, users, sessions, records, conflicts };
