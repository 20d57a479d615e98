/**
 * How the sync screen names and shows records: a title per record ("Hộ Nguyễn Văn An") and, for a conflict, its
 * fields side by side in plain words. Pure functions over a translation function, so they are easy to check.
 */
import type { TFunction } from 'i18next';
import { formatVnPhone } from '../../../shared/phone.ts';
import { RELATIONS, SEXES, type Relation, type Sex } from '../../../shared/records.ts';
import type { OutboxEntity } from '../../db/database.ts';
import { getDb, type OutboxEntry } from '../../db/database.ts';
import { isConflictMark } from '../../db/outbox.ts';
import { formatDate, formatDateTime } from '../../lib/format.ts';

type SyncT = TFunction<'sync'>;

export const COMPARED_FIELDS = {
  hamlet: ['name', 'deleted'],
  household: ['headName', 'address', 'phone', 'note', 'deleted'],
  person: ['fullName', 'birthYear', 'sex', 'relation', 'deleted'],
  visit: ['visitedAt', 'notes', 'followUpOn', 'outcomes'],
} as const satisfies Record<OutboxEntity, readonly string[]>;

export type ComparedField = (typeof COMPARED_FIELDS)[OutboxEntity][number];

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export function recordTitle(t: SyncT, entity: OutboxEntity, record: Record<string, unknown> | undefined): string {
  if (!record) return t('entity.unknown');
  switch (entity) {
    case 'hamlet':
      return t('entity.hamlet', { name: text(record.name) });
    case 'household':
      return t('entity.household', { name: text(record.headName) });
    case 'person':
      return t('entity.person', { name: text(record.fullName) });
    case 'visit':
      return t('entity.visit', { date: record.visitedAt ? formatDate(text(record.visitedAt)) : '' });
  }
}

export function fieldValue(t: SyncT, field: ComparedField, value: unknown): string {
  if (field === 'deleted') return value === true ? t('values.deleted') : t('values.kept');
  if (field === 'outcomes') return t('values.outcomes', { count: Array.isArray(value) ? value.length : 0 });
  if (value === null || value === undefined || value === '') return t('values.empty');
  if (field === 'sex' && (SEXES as readonly unknown[]).includes(value)) return t(`values.sex.${value as Sex}`);
  if (field === 'relation' && (RELATIONS as readonly unknown[]).includes(value)) {
    return t(`values.relation.${value as Relation}`);
  }
  if (field === 'phone') return formatVnPhone(String(value));
  if (field === 'visitedAt') return formatDateTime(String(value));
  if (field === 'followUpOn') return formatDate(String(value));
  return String(value);
}

/** A comparable form of a field: outcomes compare by content, everything else by value. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export async function readLocalRecord(
  entity: OutboxEntity,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const db = getDb();
  switch (entity) {
    case 'hamlet':
      return db.hamlets.get(id);
    case 'household':
      return db.households.get(id);
    case 'person':
      return db.people.get(id);
    case 'visit':
      return db.visits.get(id);
  }
}

export interface RejectedChange {
  entry: OutboxEntry;
  record: Record<string, unknown> | undefined;
}

/** Outbox entries the server refused (not conflicts), oldest first, with their records. */
export async function listRejectedChanges(): Promise<RejectedChange[]> {
  const entries = await getDb()
    .outbox.orderBy('seq')
    .filter((e) => e.lastError !== null && !isConflictMark(e.lastError))
    .toArray();
  return Promise.all(entries.map(async (entry) => ({ entry, record: await readLocalRecord(entry.entity, entry.recordId) })));
}
