import { describe, expect, it } from 'vitest';
import {
  birthYearSchema,
  hamletSchema,
  householdInputSchema,
  householdSchema,
  nameSchema,
  personInputSchema,
  personSchema,
  phoneSchema,
  visitSchema,
  type Visit,
} from '../../src/shared/records.ts';

const ID = '0190a000-0000-7000-8000-000000000001';
const ID2 = '0190a000-0000-7000-8000-000000000002';
const NOW = '2026-11-22T08:00:00.000Z';

const messages = (r: { success: boolean; error?: { issues: readonly { message: string }[] } }) =>
  r.success ? [] : (r.error?.issues.map((i) => i.message) ?? []);

describe('nameSchema', () => {
  it('trims, collapses inner spaces and stores the name in NFC', () => {
    const nfd = '  Nguyễn   Thị\tÁnh  '.normalize('NFD');
    const r = nameSchema.safeParse(nfd);
    expect(r.success && r.data).toBe('Nguyễn Thị Ánh'.normalize('NFC'));
  });

  it('refuses an empty or blank name as required', () => {
    expect(messages(nameSchema.safeParse(''))).toEqual(['required']);
    expect(messages(nameSchema.safeParse('   '))).toEqual(['required']);
  });

  it('accepts 100 characters and refuses 101 as too long', () => {
    expect(nameSchema.safeParse('a'.repeat(100)).success).toBe(true);
    expect(messages(nameSchema.safeParse('a'.repeat(101)))).toContain('tooLong');
  });

  it('counts length after NFC, so a decomposed name is not refused for its combining marks', () => {
    const name = 'Ễ'.repeat(100);
    expect(nameSchema.safeParse(name.normalize('NFD')).success).toBe(true);
  });

  it.each([
    ['NUL', 'Lê\u0000Văn'],
    ['BEL', 'Lê\u0007Văn'],
    ['ESC', 'Lê\u001bVăn'],
    ['DEL', 'Lê\u007fVăn'],
    ['a C1 control (NEL)', 'Lê\u0085Văn'],
    ['a C1 control (CSI)', 'Lê\u009bVăn'],
  ])('refuses a name containing %s', (_what, input) => {
    expect(messages(nameSchema.safeParse(input))).toContain('invalidCharacters');
  });

  it('turns tabs and newlines inside a name into single spaces rather than refusing it', () => {
    const r = nameSchema.safeParse('Lê\tVăn\nTám');
    expect(r.success && r.data).toBe('Lê Văn Tám');
  });
});

describe('phoneSchema', () => {
  it('stores a phone in its national form', () => {
    const r = phoneSchema.safeParse('+84 912.345.678');
    expect(r.success && r.data).toBe('0912345678');
  });

  it('stores no phone as null', () => {
    const r = phoneSchema.safeParse('  ');
    expect(r.success).toBe(true);
    expect(r.data).toBeNull();
  });

  it('accepts a well-formed number on an unknown prefix', () => {
    const r = phoneSchema.safeParse('0212345678');
    expect(r.success && r.data).toBe('0212345678');
  });

  it('refuses something that is not a phone number with phoneInvalid', () => {
    expect(messages(phoneSchema.safeParse('0912abc678'))).toEqual(['phoneInvalid']);
    expect(messages(phoneSchema.safeParse('091234567'))).toEqual(['phoneInvalid']);
  });
});

describe('birthYearSchema', () => {
  const thisYear = new Date().getFullYear();

  it('accepts 1900 to this year, and no year at all', () => {
    for (const y of [1900, 1955, thisYear, null]) expect(birthYearSchema.safeParse(y).success).toBe(true);
  });

  it('refuses years before 1900, after this year, fractions and text', () => {
    for (const y of [1899, thisYear + 1, 1980.5, '1980']) {
      expect(messages(birthYearSchema.safeParse(y))).toEqual(['birthYear']);
    }
  });
});

describe('form schemas', () => {
  it('cleans a household form: trims the address and note and normalises the phone', () => {
    const r = householdInputSchema.safeParse({
      headName: ' Trần Văn Ba ',
      address: '  Xóm 2 ',
      phone: '0912 345 678',
      note: ' hay đi làm xa ',
    });
    expect(r.success && r.data).toEqual({
      headName: 'Trần Văn Ba',
      address: 'Xóm 2',
      phone: '0912345678',
      note: 'hay đi làm xa',
    });
  });

  it('reports the field of each problem in a person form', () => {
    const r = personInputSchema.safeParse({ fullName: '', birthYear: 1800, sex: 'unknown', relation: 'head' });
    expect(r.success).toBe(false);
    const fields = r.error?.issues.map((i) => i.path.join('.')).sort();
    expect(fields).toEqual(['birthYear', 'fullName', 'sex']);
  });
});

describe('record schemas', () => {
  const hamlet = {
    id: ID,
    provinceCode: '01',
    communeCode: '00004',
    name: 'Thôn Đông',
    version: 0,
    deleted: false,
    updatedAt: NOW,
  };
  const household = {
    id: ID2,
    provinceCode: '01',
    communeCode: '00004',
    hamletId: ID,
    headName: 'Nguyễn Văn A',
    address: '',
    phone: '0912345678',
    note: '',
    version: 3,
    deleted: false,
    createdAt: NOW,
    updatedAt: NOW,
  };

  it('accepts well-formed hamlet, household and person records', () => {
    expect(hamletSchema.safeParse(hamlet).success).toBe(true);
    expect(householdSchema.safeParse(household).success).toBe(true);
    expect(
      personSchema.safeParse({
        id: '0190a000-0000-7000-8000-000000000003',
        householdId: ID2,
        fullName: 'Nguyễn Văn A',
        birthYear: 1960,
        sex: 'male',
        relation: 'head',
        version: 0,
        deleted: false,
        createdAt: NOW,
        updatedAt: '2026-11-22T15:00:00+07:00',
      }).success,
    ).toBe(true);
  });

  it('rejects unknown fields, such as local-only search text, in a synced record', () => {
    expect(hamletSchema.safeParse({ ...hamlet, extra: 1 }).success).toBe(false);
    expect(householdSchema.safeParse({ ...household, searchText: 'nguyen van a' }).success).toBe(false);
  });

  it('refuses malformed ids, area codes, versions and dates with their message keys', () => {
    expect(messages(hamletSchema.safeParse({ ...hamlet, id: 'not-a-uuid' }))).toEqual(['invalidId']);
    expect(messages(hamletSchema.safeParse({ ...hamlet, provinceCode: '1' }))).toEqual(['invalidArea']);
    expect(messages(hamletSchema.safeParse({ ...hamlet, communeCode: '4' }))).toEqual(['invalidArea']);
    expect(messages(hamletSchema.safeParse({ ...hamlet, updatedAt: '22/11/2026' }))).toEqual(['invalidDate']);
    expect(hamletSchema.safeParse({ ...hamlet, version: -1 }).success).toBe(false);
    expect(hamletSchema.safeParse({ ...hamlet, version: 1.5 }).success).toBe(false);
  });

  it('stores a household phone only in national form', () => {
    expect(householdSchema.safeParse({ ...household, phone: null }).success).toBe(true);
    expect(messages(householdSchema.safeParse({ ...household, phone: '+84912345678' }))).toEqual(['phoneInvalid']);
  });
});

describe('visitSchema', () => {
  const visit: Visit = {
    id: ID2,
    householdId: ID,
    hamletId: ID,
    provinceCode: '01',
    communeCode: '00004',
    visitedAt: NOW,
    recordedAt: NOW,
    corrects: null,
    outcomes: [
      { personId: ID, skill: 'online-safety', outcome: 'proficient', subSkills: ['safety-never-share-otp'] },
      { personId: ID, skill: 'public-services', outcome: 'guided', subSkills: [] },
    ],
    notes: '',
    followUpOn: '2026-12-01',
    authorId: 'device-1',
  };
  const withOutcome = (o: Record<string, unknown>) => ({ ...visit, outcomes: [{ ...visit.outcomes[0], ...o }] });

  it('accepts a visit with guided and proficient outcomes', () => {
    expect(visitSchema.safeParse(visit).success).toBe(true);
  });

  it('accepts a correction that points at the visit it corrects', () => {
    expect(visitSchema.safeParse({ ...visit, corrects: ID }).success).toBe(true);
    expect(visitSchema.safeParse({ ...visit, corrects: 'visit-1' }).success).toBe(false);
  });

  it('refuses an outcome other than guided or proficient', () => {
    expect(visitSchema.safeParse(withOutcome({ outcome: 'excellent' })).success).toBe(false);
    expect(visitSchema.safeParse(withOutcome({ outcome: null })).success).toBe(false);
  });

  it('refuses an unknown skill or sub-skill code', () => {
    expect(visitSchema.safeParse(withOutcome({ skill: 'cooking' })).success).toBe(false);
    expect(visitSchema.safeParse(withOutcome({ subSkills: ['juggling'] })).success).toBe(false);
  });

  it('refuses an outcome with an extra field or without a person', () => {
    expect(visitSchema.safeParse(withOutcome({ note: 'x' })).success).toBe(false);
    expect(visitSchema.safeParse(withOutcome({ personId: '' })).success).toBe(false);
  });

  it('refuses a follow-up that is not a calendar date and a visit without an author', () => {
    expect(messages(visitSchema.safeParse({ ...visit, followUpOn: '2026-13-01' }))).toEqual(['invalidDate']);
    expect(visitSchema.safeParse({ ...visit, followUpOn: NOW }).success).toBe(false);
    expect(visitSchema.safeParse({ ...visit, authorId: '' }).success).toBe(false);
  });

  it('trims the notes and caps them at 1000 characters', () => {
    const r = visitSchema.safeParse({ ...visit, notes: '  cần quay lại  ' });
    expect(r.success && r.data.notes).toBe('cần quay lại');
    expect(messages(visitSchema.safeParse({ ...visit, notes: 'x'.repeat(1001) }))).toEqual(['tooLong']);
  });
});
