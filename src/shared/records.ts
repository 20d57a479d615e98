/**
 * The records that live on devices and travel through sync, as zod (mini) schemas. One contract: the server
 * validates pushed changes with these, the client types its Dexie tables with them, so the two ends cannot drift.
 * Error messages are i18n keys in the `validation` namespace; the UI translates them, the server returns them
 * inside a Problem.
 *
 * Mutable records (hamlet, household, person) carry `version`: the server version they were last synced at
 * (0 = never synced). Visits are append-only events; a correction is a new visit with `corrects` set.
 */
import * as z from 'zod/mini';
import { SKILL_CODES, ALL_SUB_SKILLS } from './skills.ts';
import { UUID_PATTERN } from './ids.ts';
import { checkVnPhone } from './phone.ts';

export const SEXES = ['female', 'male', 'other'] as const;
export type Sex = (typeof SEXES)[number];

export const RELATIONS = [
  'head', 'spouse', 'child', 'parent', 'sibling', 'grandchild', 'grandparent', 'in-law', 'other',
] as const;
export type Relation = (typeof RELATIONS)[number];

export const OUTCOMES = ['guided', 'proficient'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const MIN_BIRTH_YEAR = 1900;

// Each field schema is built once and shared (schemas are immutable): building zod's date-time pattern for every
// field of every record cost a slow phone's start-up tens of milliseconds.
const ID = z.string().check(z.regex(UUID_PATTERN, 'invalidId'));
const PROVINCE_CODE = z.string().check(z.regex(/^\d{2}$/, 'invalidArea'));
const COMMUNE_CODE = z.string().check(z.regex(/^\d{5}$/, 'invalidArea'));
const ISO_DATE_TIME = z.iso.datetime({ offset: true, error: 'invalidDate' });
const ISO_DATE = z.iso.date({ error: 'invalidDate' });
const VERSION = z.int().check(z.minimum(0));
const id = () => ID;
const provinceCode = () => PROVINCE_CODE;
const communeCode = () => COMMUNE_CODE;
const isoDateTime = () => ISO_DATE_TIME;
const isoDate = () => ISO_DATE;
const version = () => VERSION;

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // C0 controls, DEL and the C1 controls (U+0080–U+009F): all of Unicode's Cc category.
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** A person's or place's name: trimmed, NFC, 1–100 characters, no control characters. */
export const nameSchema = z.string().check(
  z.overwrite((s) => s.normalize('NFC').replace(/\s+/g, ' ').trim()),
  z.minLength(1, 'required'),
  z.maxLength(100, 'tooLong'),
  z.refine((s) => !hasControlCharacter(s), 'invalidCharacters'),
);

const freeText = (max: number) =>
  z.string().check(
    z.overwrite((s) => s.normalize('NFC').trim()),
    z.maxLength(max, 'tooLong'),
  );

/** Empty or a Vietnamese phone number, stored normalised ("0912345678"). Unknown prefixes pass (the UI warns). */
export const phoneSchema = z.pipe(
  z.string(),
  z.transform((raw, ctx) => {
    const r = checkVnPhone(raw);
    if (r.kind === 'empty') return null;
    if (r.kind === 'invalid') {
      ctx.issues.push({ code: 'custom', message: 'phoneInvalid', input: raw });
      return z.NEVER;
    }
    return r.national;
  }),
);

export const birthYearSchema = z.nullable(
  z.int('birthYear').check(
    z.refine((y) => y >= MIN_BIRTH_YEAR && y <= new Date().getFullYear(), 'birthYear'),
  ),
);

// ---- Forms (what a person types) -------------------------------------------------------------

export const hamletInputSchema = z.object({ name: nameSchema });
export type HamletInput = z.output<typeof hamletInputSchema>;

export const householdInputSchema = z.object({
  headName: nameSchema,
  address: freeText(200),
  phone: phoneSchema,
  note: freeText(500),
});
export type HouseholdInput = z.input<typeof householdInputSchema>;
export type HouseholdValues = z.output<typeof householdInputSchema>;

export const personInputSchema = z.object({
  fullName: nameSchema,
  birthYear: birthYearSchema,
  sex: z.nullable(z.enum(SEXES)),
  relation: z.enum(RELATIONS),
});
export type PersonInput = z.output<typeof personInputSchema>;

// ---- Records (what is stored and synced) -----------------------------------------------------

export const hamletSchema = z.strictObject({
  id: id(),
  provinceCode: provinceCode(),
  communeCode: communeCode(),
  name: nameSchema,
  version: version(),
  deleted: z.boolean(),
  updatedAt: isoDateTime(),
});
export type Hamlet = z.output<typeof hamletSchema>;

export const householdSchema = z.strictObject({
  id: id(),
  provinceCode: provinceCode(),
  communeCode: communeCode(),
  hamletId: id(),
  headName: nameSchema,
  address: freeText(200),
  phone: z.nullable(z.string().check(z.regex(/^0\d{9}$/, 'phoneInvalid'))),
  note: freeText(500),
  version: version(),
  deleted: z.boolean(),
  createdAt: isoDateTime(),
  updatedAt: isoDateTime(),
});
export type Household = z.output<typeof householdSchema>;

export const personSchema = z.strictObject({
  id: id(),
  householdId: id(),
  fullName: nameSchema,
  birthYear: birthYearSchema,
  sex: z.nullable(z.enum(SEXES)),
  relation: z.enum(RELATIONS),
  version: version(),
  deleted: z.boolean(),
  createdAt: isoDateTime(),
  updatedAt: isoDateTime(),
});
export type Person = z.output<typeof personSchema>;

export const outcomeEntrySchema = z.strictObject({
  personId: id(),
  skill: z.enum(SKILL_CODES),
  outcome: z.enum(OUTCOMES),
  subSkills: z.array(z.enum(ALL_SUB_SKILLS as [string, ...string[]])).check(z.maxLength(50)),
});
export type OutcomeEntry = z.output<typeof outcomeEntrySchema>;

export const visitSchema = z.strictObject({
  id: id(),
  householdId: id(),
  hamletId: id(),
  provinceCode: provinceCode(),
  communeCode: communeCode(),
  /** When the visit happened (the volunteer may log it later). */
  visitedAt: isoDateTime(),
  /** When this event was written on the device; orders corrections of one visit. */
  recordedAt: isoDateTime(),
  /** Set on a correction: the id of the original visit it replaces (never of another correction). */
  corrects: z.nullable(id()),
  outcomes: z.array(outcomeEntrySchema).check(z.maxLength(200)),
  notes: freeText(1000),
  followUpOn: z.nullable(isoDate()),
  /** Who logged it: the user id once accounts exist, else the device id. */
  authorId: z.string().check(z.minLength(1), z.maxLength(64)),
});
export type Visit = z.output<typeof visitSchema>;

/** What devices push (and pull). */
export const ENTITIES = ['hamlet', 'household', 'person', 'visit'] as const;
export type Entity = (typeof ENTITIES)[number];
export type MutableEntity = Exclude<Entity, 'visit'>;

/**
 * Everything stored in the server's records and pulled by devices: what devices push, plus 'self-check'
 * (src/shared/self-check.ts: its schema lives there, out of the start bundle) — a resident's answers, written by the
 * server from a household link and never pushed.
 */
export const RECORD_ENTITIES = [...ENTITIES, 'self-check'] as const;
export type RecordEntity = (typeof RECORD_ENTITIES)[number];

export interface EntityRecord {
  hamlet: Hamlet;
  household: Household;
  person: Person;
  visit: Visit;
}

export const recordSchemas = {
  hamlet: hamletSchema,
  household: householdSchema,
  person: personSchema,
  visit: visitSchema,
} as const;
