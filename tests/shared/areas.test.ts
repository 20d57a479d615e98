import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fullUnitName, parseAdminUnits } from '../../src/shared/areas.ts';

const shipped: unknown = JSON.parse(readFileSync(new URL('../../public/data/admin-units-2025.json', import.meta.url), 'utf8'));

describe('the 2025 list of provinces and communes', () => {
  it('reads the shipped list: 34 provinces and 3,321 communes', () => {
    const units = parseAdminUnits(shipped);
    expect(units?.provinces).toHaveLength(34);
    expect(units?.provinces.reduce((sum, p) => sum + p.communes.length, 0)).toBe(3321);
  });

  it('ships in Vietnamese alphabetical order: provinces by name, each province’s communes by name then full name', () => {
    const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });
    const byName = (a: { name: string; type: string }, b: { name: string; type: string }) =>
      collator.compare(a.name, b.name) || collator.compare(fullUnitName(a), fullUnitName(b));
    const units = parseAdminUnits(shipped)!;
    expect(units.provinces.map((p) => p.name)).toEqual([...units.provinces].sort(byName).map((p) => p.name));
    for (const province of units.provinces) {
      expect(province.communes.map((c) => c.code)).toEqual([...province.communes].sort(byName).map((c) => c.code));
    }
    expect(units.provinces[0]!.name).toBe('An Giang');
  });

  it('keeps the known fields only', () => {
    const units = parseAdminUnits({
      provinces: [{ code: '01', name: 'Hà Nội', type: 'thành phố', extra: 1, communes: [{ code: '00004', name: 'Ba Đình', type: 'phường', x: 'y' }] }],
      version: 2,
    });
    expect(units).toEqual({
      provinces: [{ code: '01', name: 'Hà Nội', type: 'thành phố', communes: [{ code: '00004', name: 'Ba Đình', type: 'phường' }] }],
    });
    expect(fullUnitName(units!.provinces[0]!.communes[0]!)).toBe('Phường Ba Đình');
  });

  it.each([
    ['not an object', 'list'],
    ['null', null],
    ['no provinces', {}],
    ['provinces not a list', { provinces: {} }],
    ['a province without communes', { provinces: [{ code: '01', name: 'Hà Nội', type: 'thành phố' }] }],
    ['a numeric province code', { provinces: [{ code: 1, name: 'Hà Nội', type: 'thành phố', communes: [] }] }],
    ['a commune without a name', { provinces: [{ code: '01', name: 'Hà Nội', type: 'thành phố', communes: [{ code: '00004', type: 'phường' }] }] }],
    ['a commune that is a list', { provinces: [{ code: '01', name: 'Hà Nội', type: 'thành phố', communes: [['00004']] }] }],
  ])('refuses a list with %s', (_case, value) => {
    expect(parseAdminUnits(value)).toBeNull();
  });
});
