/**
 * Households and their members. Each write validates with the shared schemas, stores the record, queues it in the
 * outbox and refreshes the household's projections — all in one transaction, so a failed save leaves the device
 * exactly as it was.
 */
import { uuidv7 } from '../../shared/ids.ts';
import {
  householdInputSchema,
  householdSchema,
  personInputSchema,
  personSchema,
  type HouseholdInput,
  type PersonInput,
} from '../../shared/records.ts';
import { isFollowUpDue } from '../../shared/progress.ts';
import { viCollator } from '../../shared/text-fold.ts';
import { getDb, type LocalHousehold, type LocalPerson, type SummaryRow } from './database.ts';
import { enqueue } from './outbox.ts';
import { refreshHousehold } from './projections.ts';
import { parseOrThrow, ValidationError, type FieldErrors } from './validation.ts';

const WRITE_TABLES = ['households', 'people', 'visits', 'summaries', 'hamletTotals', 'outbox'] as const;

export type MemberDraft = PersonInput & { id?: string };

function parsePerson(input: unknown, index: number | null, errors: FieldErrors): PersonInput | null {
  const r = personInputSchema.safeParse(input);
  if (r.success) return r.data;
  for (const issue of r.error.issues) {
    const field = issue.path.map(String).join('.');
    const key = index === null ? field : `members.${index}.${field}`;
    errors[key] ??= issue.message === 'Invalid input' ? 'invalid' : issue.message;
  }
  return null;
}

/** Creates a household with its members (the head is usually member 0). */
export async function createHousehold(
  area: { provinceCode: string; communeCode: string; hamletId: string },
  input: HouseholdInput,
  members: readonly PersonInput[],
): Promise<LocalHousehold> {
  const errors: FieldErrors = {};
  const values = householdInputSchema.safeParse(input);
  if (!values.success) {
    for (const issue of values.error.issues) {
      errors[issue.path.map(String).join('.')] ??= issue.message === 'Invalid input' ? 'invalid' : issue.message;
    }
  }
  const parsed = members.map((m, i) => parsePerson(m, i, errors));
  const people = parsed.filter((p): p is PersonInput => p !== null);
  if (!values.success || people.length !== members.length) throw new ValidationError(errors);

  const now = new Date().toISOString();
  const household = parseOrThrow(householdSchema, {
    id: uuidv7(),
    ...area,
    ...values.data,
    version: 0,
    deleted: false,
    createdAt: now,
    updatedAt: now,
  });
  const db = getDb();
  return db.transaction('rw', [...WRITE_TABLES, 'hamlets'], async () => {
    const hamlet = await db.hamlets.get(area.hamletId);
    if (!hamlet || hamlet.deleted) throw new ValidationError({ _: 'notFound' });
    await db.households.add({ ...household, searchText: '' });
    await enqueue('household', household.id);
    for (const p of people) {
      const person = personRecord(household.id, p, now);
      await db.people.add(person);
      await enqueue('person', person.id);
    }
    await refreshHousehold(db, household.id);
    return requireHousehold(household.id);
  });
}

async function requireHousehold(id: string): Promise<LocalHousehold> {
  const h = await getDb().households.get(id);
  if (!h) throw new ValidationError({ _: 'notFound' });
  return h;
}

function personRecord(householdId: string, p: PersonInput, now: string): LocalPerson {
  return parseOrThrow(personSchema, {
    id: uuidv7(),
    householdId,
    ...p,
    version: 0,
    deleted: false,
    createdAt: now,
    updatedAt: now,
  });
}

export async function updateHousehold(id: string, input: HouseholdInput): Promise<LocalHousehold> {
  const values = parseOrThrow(householdInputSchema, input);
  const db = getDb();
  return db.transaction('rw', [...WRITE_TABLES], async () => {
    const current = await db.households.get(id);
    if (!current || current.deleted) throw new ValidationError({ _: 'notFound' });
    await db.households.put({ ...current, ...values, updatedAt: new Date().toISOString() });
    await enqueue('household', id);
    await refreshHousehold(db, id);
    return requireHousehold(id);
  });
}

export async function deleteHousehold(id: string): Promise<void> {
  const db = getDb();
  await db.transaction('rw', [...WRITE_TABLES], async () => {
    const current = await db.households.get(id);
    if (!current || current.deleted) return;
    await db.households.put({ ...current, deleted: true, updatedAt: new Date().toISOString() });
    await enqueue('household', id);
    await refreshHousehold(db, id);
  });
}

export async function addPerson(householdId: string, input: PersonInput): Promise<LocalPerson> {
  const errors: FieldErrors = {};
  const values = parsePerson(input, null, errors);
  if (!values) throw new ValidationError(errors);
  const db = getDb();
  return db.transaction('rw', [...WRITE_TABLES], async () => {
    const household = await db.households.get(householdId);
    if (!household || household.deleted) throw new ValidationError({ _: 'notFound' });
    const person = personRecord(householdId, values, new Date().toISOString());
    await db.people.add(person);
    await enqueue('person', person.id);
    await refreshHousehold(db, householdId);
    return person;
  });
}

export async function updatePerson(id: string, input: PersonInput): Promise<LocalPerson> {
  const errors: FieldErrors = {};
  const values = parsePerson(input, null, errors);
  if (!values) throw new ValidationError(errors);
  const db = getDb();
  return db.transaction('rw', [...WRITE_TABLES], async () => {
    const current = await db.people.get(id);
    if (!current || current.deleted) throw new ValidationError({ _: 'notFound' });
    const updated = { ...current, ...values, updatedAt: new Date().toISOString() };
    await db.people.put(updated);
    await enqueue('person', id);
    await refreshHousehold(db, current.householdId);
    return updated;
  });
}

/** Removes a member (moved away, died, entered by mistake). Their past visits stay in the history. */
export async function removePerson(id: string): Promise<void> {
  const db = getDb();
  await db.transaction('rw', [...WRITE_TABLES], async () => {
    const current = await db.people.get(id);
    if (!current || current.deleted) return;
    await db.people.put({ ...current, deleted: true, updatedAt: new Date().toISOString() });
    await enqueue('person', id);
    await refreshHousehold(db, current.householdId);
  });
}

export async function getHousehold(id: string): Promise<LocalHousehold | undefined> {
  const h = await getDb().households.get(id);
  return h && !h.deleted ? h : undefined;
}

/** Living members, the head first, then by birth year (oldest first), then by name. */
export async function listMembers(householdId: string): Promise<LocalPerson[]> {
  const people = await getDb().people.where('householdId').equals(householdId).toArray();
  const collator = viCollator();
  return people
    .filter((p) => !p.deleted)
    .sort(
      (a, b) =>
        Number(b.relation === 'head') - Number(a.relation === 'head') ||
        (a.birthYear ?? 9999) - (b.birthYear ?? 9999) ||
        collator.compare(a.fullName, b.fullName),
    );
}

export interface HouseholdListRow {
  household: LocalHousehold;
  summary: SummaryRow | undefined;
}

/** Every household of a hamlet with its progress summary, sorted by head's name in Vietnamese order. */
export async function listHamletHouseholds(hamletId: string): Promise<HouseholdListRow[]> {
  const db = getDb();
  const [households, summaries] = await Promise.all([
    db.households.where('hamletId').equals(hamletId).toArray(),
    db.summaries.where('hamletId').equals(hamletId).toArray(),
  ]);
  const byId = new Map(summaries.map((s) => [s.householdId, s]));
  const collator = viCollator();
  return households
    .filter((h) => !h.deleted)
    .sort((a, b) => collator.compare(a.headName, b.headName) || collator.compare(a.address, b.address))
    .map((household) => ({ household, summary: byId.get(household.id) }));
}

export const HOUSEHOLD_FILTERS = ['all', 'not-visited', 'follow-up-due', 'at-target', 'not-at-target'] as const;
export type HouseholdFilter = (typeof HOUSEHOLD_FILTERS)[number];

export function matchesFilter(row: HouseholdListRow, filter: HouseholdFilter, today: string): boolean {
  const s = row.summary;
  switch (filter) {
    case 'all':
      return true;
    case 'not-visited':
      return !s?.visited;
    case 'follow-up-due':
      return isFollowUpDue(s?.followUpOn ?? null, today);
    case 'at-target':
      return !!s?.atTarget;
    case 'not-at-target':
      return !s?.atTarget;
  }
}
