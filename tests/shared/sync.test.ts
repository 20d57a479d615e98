import { describe, expect, it } from 'vitest';
import { MAX_PUSH_BATCH, pullResponseSchema, pushRequestSchema, pushResultSchema } from '../../src/shared/sync.ts';

const NOW = '2026-11-22T08:00:00.000Z';
const HAMLET_ID = '0190a000-0000-7000-8000-000000000001';
const HOUSEHOLD_ID = '0190a000-0000-7000-8000-000000000002';
const VISIT_ID = '0190a000-0000-7000-8000-000000000003';

const hamlet = {
  id: HAMLET_ID,
  provinceCode: '01',
  communeCode: '00004',
  name: 'Thôn Đông',
  version: 2,
  deleted: false,
  updatedAt: NOW,
};
const household = {
  id: HOUSEHOLD_ID,
  provinceCode: '01',
  communeCode: '00004',
  hamletId: HAMLET_ID,
  headName: 'Nguyễn Văn A',
  address: 'Xóm 1',
  phone: null,
  note: '',
  version: 0,
  deleted: false,
  createdAt: NOW,
  updatedAt: NOW,
};
const visit = {
  id: VISIT_ID,
  householdId: HOUSEHOLD_ID,
  hamletId: HAMLET_ID,
  provinceCode: '01',
  communeCode: '00004',
  visitedAt: NOW,
  recordedAt: NOW,
  corrects: null,
  outcomes: [],
  notes: 'đã hướng dẫn cài VNeID',
  followUpOn: null,
  authorId: 'device-1',
};

const batch = (changes: unknown[]) => ({ deviceId: 'device-0001', changes });

describe('pushRequestSchema', () => {
  it('accepts a batch of mutable records with base versions and a visit', () => {
    const r = pushRequestSchema.safeParse(
      batch([
        { entity: 'hamlet', baseVersion: 2, record: hamlet },
        { entity: 'household', baseVersion: null, record: household },
        { entity: 'visit', baseVersion: null, record: visit },
      ]),
    );
    expect(r.success).toBe(true);
    expect(r.data?.changes.map((c) => c.entity)).toEqual(['hamlet', 'household', 'visit']);
  });

  it(`accepts ${MAX_PUSH_BATCH} changes and refuses one more as batchTooLarge`, () => {
    const change = { entity: 'visit', baseVersion: null, record: visit };
    expect(pushRequestSchema.safeParse(batch(Array(MAX_PUSH_BATCH).fill(change))).success).toBe(true);
    const r = pushRequestSchema.safeParse(batch(Array(MAX_PUSH_BATCH + 1).fill(change)));
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toContain('batchTooLarge');
  });

  it('refuses an empty batch', () => {
    expect(pushRequestSchema.safeParse(batch([])).success).toBe(false);
  });

  it('refuses unknown fields at every level', () => {
    const change = { entity: 'household', baseVersion: 0, record: household };
    expect(pushRequestSchema.safeParse({ ...batch([change]), extra: true }).success).toBe(false);
    expect(pushRequestSchema.safeParse(batch([{ ...change, extra: true }])).success).toBe(false);
    expect(pushRequestSchema.safeParse(batch([{ ...change, record: { ...household, searchText: 'x' } }])).success).toBe(false);
  });

  it('refuses a visit that claims a base version, since visits are never edited', () => {
    expect(pushRequestSchema.safeParse(batch([{ entity: 'visit', baseVersion: 0, record: visit }])).success).toBe(false);
    expect(pushRequestSchema.safeParse(batch([{ entity: 'visit', baseVersion: 3, record: visit }])).success).toBe(false);
  });

  it('refuses a record sent under the wrong entity', () => {
    expect(pushRequestSchema.safeParse(batch([{ entity: 'hamlet', baseVersion: null, record: household }])).success).toBe(false);
    expect(pushRequestSchema.safeParse(batch([{ entity: 'team', baseVersion: null, record: hamlet }])).success).toBe(false);
  });

  it('refuses a negative or fractional base version and a too-short device id', () => {
    expect(pushRequestSchema.safeParse(batch([{ entity: 'hamlet', baseVersion: -1, record: hamlet }])).success).toBe(false);
    expect(pushRequestSchema.safeParse(batch([{ entity: 'hamlet', baseVersion: 1.5, record: hamlet }])).success).toBe(false);
    expect(
      pushRequestSchema.safeParse({ deviceId: 'd1', changes: [{ entity: 'hamlet', baseVersion: 2, record: hamlet }] }).success,
    ).toBe(false);
  });
});

describe('push results and pull pages', () => {
  it('accepts a result carrying a known problem code and refuses an unknown one', () => {
    expect(pushResultSchema.safeParse({ entity: 'visit', id: VISIT_ID, status: 'applied', seq: 12 }).success).toBe(true);
    expect(
      pushResultSchema.safeParse({ entity: 'household', id: HOUSEHOLD_ID, status: 'conflict', version: 5, problem: 'sync.stale-version' }).success,
    ).toBe(true);
    expect(
      pushResultSchema.safeParse({ entity: 'visit', id: VISIT_ID, status: 'rejected', problem: 'no-such-problem' }).success,
    ).toBe(false);
  });

  it('accepts a pull page with a tombstone', () => {
    const r = pullResponseSchema.safeParse({
      changes: [{ seq: 7, entity: 'household', record: { ...household, deleted: true, version: 4 } }],
      cursor: 7,
      hasMore: false,
    });
    expect(r.success).toBe(true);
  });
});
