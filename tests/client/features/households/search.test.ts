import { describe, expect, it } from 'vitest';
import { filterFromSlug, filterSlug, searchHouseholds } from '../../../../src/client/features/households/search.ts';
import { HOUSEHOLD_FILTERS, type HouseholdListRow } from '../../../../src/client/db/households.ts';
import { householdSearchText } from '../../../../src/client/db/projections.ts';
import type { SummaryRow, LocalHousehold } from '../../../../src/client/db/database.ts';
import { zeroSkillCounts } from '../../../../src/shared/progress.ts';

let n = 0;
function row(
  headName: string,
  opts: { members?: string[]; address?: string; phone?: string | null; summary?: Partial<SummaryRow> } = {},
): HouseholdListRow {
  n += 1;
  const id = `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const base = { headName, address: opts.address ?? '', phone: opts.phone ?? null };
  const household = {
    id, hamletId: 'h', provinceCode: '01', communeCode: '00004', note: '', version: 0, deleted: false,
    createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z', ...base,
    searchText: householdSearchText(base, (opts.members ?? []).map((fullName) => ({ fullName, deleted: false }))),
  } satisfies LocalHousehold;
  const summary: SummaryRow | undefined = opts.summary && {
    householdId: id, hamletId: 'h', people: 1, visited: false, atTarget: false, lastVisitedAt: null,
    followUpOn: null, proficient: zeroSkillCounts(), guided: zeroSkillCounts(), ...opts.summary,
  };
  return { household, summary };
}

const heads = (rows: HouseholdListRow[]) => rows.map((r) => r.household.headName);
const TODAY = '2026-11-22';

describe('searchHouseholds', () => {
  const rows = [
    row('Đặng Thị Lan', { address: 'Xóm Chùa', phone: '0912345678' }),
    row('Lê Văn Bình', { members: ['Lê Thị Hoa'], address: 'Đường Đê' }),
    row('Nguyễn Văn A', { address: 'Xóm 1' }),
  ];

  it('finds a name typed without diacritics', () => {
    expect(heads(searchHouseholds(rows, 'nguyen van a', 'all', TODAY))).toEqual(['Nguyễn Văn A']);
  });

  it('finds a name typed in decomposed Unicode (NFD)', () => {
    expect(heads(searchHouseholds(rows, 'Nguyễn'.normalize('NFD'), 'all', TODAY))).toEqual(['Nguyễn Văn A']);
  });

  it('lets a plain "d" find "Đ"', () => {
    expect(heads(searchHouseholds(rows, 'dang', 'all', TODAY))).toEqual(['Đặng Thị Lan']);
    expect(heads(searchHouseholds(rows, 'duong de', 'all', TODAY))).toEqual(['Lê Văn Bình']);
  });

  it('matches words in any order across a member name, the address and the phone', () => {
    expect(heads(searchHouseholds(rows, 'hoa le', 'all', TODAY))).toEqual(['Lê Văn Bình']);
    expect(heads(searchHouseholds(rows, '0912 345', 'all', TODAY))).toEqual(['Đặng Thị Lan']);
    expect(heads(searchHouseholds(rows, 'xom chua', 'all', TODAY))).toEqual(['Đặng Thị Lan']);
  });

  it('returns every row, in the given order, for an empty query and no filter', () => {
    const all = searchHouseholds(rows, '   ', 'all', TODAY);
    expect(heads(all)).toEqual(heads(rows));
    expect(all).not.toBe(rows);
  });

  it('applies the filter and the query together', () => {
    const withStatus = [
      row('An', { summary: { visited: true, atTarget: true } }),
      row('Anh', { summary: { visited: true, followUpOn: '2026-11-20' } }),
      row('Ánh', { summary: { visited: true, followUpOn: '2026-12-01' } }),
      row('Bình'),
    ];
    expect(heads(searchHouseholds(withStatus, '', 'not-visited', TODAY))).toEqual(['Bình']);
    expect(heads(searchHouseholds(withStatus, '', 'at-target', TODAY))).toEqual(['An']);
    expect(heads(searchHouseholds(withStatus, '', 'not-at-target', TODAY))).toEqual(['Anh', 'Ánh', 'Bình']);
    expect(heads(searchHouseholds(withStatus, '', 'follow-up-due', TODAY))).toEqual(['Anh']);
    expect(heads(searchHouseholds(withStatus, 'anh', 'not-at-target', TODAY))).toEqual(['Anh', 'Ánh']);
  });

  it('finds the one matching household among 20,000', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => row(`Nguyễn Văn ${i}`, { address: `Xóm ${i % 40}` }));
    expect(heads(searchHouseholds(many, 'van 12345', 'all', TODAY))).toEqual(['Nguyễn Văn 12345']);
    expect(searchHouseholds(many, 'tran thi', 'all', TODAY)).toHaveLength(0);
  });
});

describe('filter slugs in the URL', () => {
  it('round-trips every filter, and an unknown value means all', () => {
    for (const f of HOUSEHOLD_FILTERS) expect(filterFromSlug(filterSlug(f))).toBe(f);
    expect(filterFromSlug('den-hen')).toBe('follow-up-due');
    expect(filterFromSlug('nonsense')).toBe('all');
    expect(filterFromSlug(null)).toBe('all');
  });
});
