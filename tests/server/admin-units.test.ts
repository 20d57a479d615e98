import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { communesOfOldDistrict, districtLabel, unitLabel } from '../../src/server/services/accounts.ts';

const UNITS_DIR = 'src/server/data';
const communes2025 = new Set(
  (JSON.parse(readFileSync('public/data/admin-units-2025.json', 'utf8')) as { provinces: { communes: { code: string }[] }[] })
    .provinces.flatMap((p) => p.communes.map((c) => c.code)),
);

describe('pre-2025 district scopes from the shipped data', () => {
  it('maps the old Ngọc Lặc district (Thanh Hóa, 389) to 2025 communes that exist, including Xã Ngọc Lặc', () => {
    const communes = communesOfOldDistrict(UNITS_DIR, '389');
    expect(communes).toContain('15061');
    expect(communes.length).toBeGreaterThan(3);
    expect(communes.filter((c) => !communes2025.has(c))).toEqual([]);
  });

  it('refuses a district code that never existed', () => {
    expect(() => communesOfOldDistrict(UNITS_DIR, '999')).toThrow(/999/);
  });
});

describe('readable scope labels', () => {
  it('names communes with their province, provinces alone, and pre-2025 districts by their old unit type', () => {
    expect(unitLabel('14956')).toBe('Xã Pù Luông, Tỉnh Thanh Hoá');
    expect(unitLabel('38')).toBe('Tỉnh Thanh Hoá');
    expect(districtLabel('389')).toBe('Huyện Ngọc Lặc, Tỉnh Thanh Hóa'); // the pre-2025 data writes the new tone position
  });

  it('falls back to the code for a unit the data does not know', () => {
    expect(unitLabel('99999')).toBe('99999');
    expect(districtLabel('999')).toBe('999');
  });
});
