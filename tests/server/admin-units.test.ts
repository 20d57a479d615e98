import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { communesOfOldDistrict } from '../../src/server/services/accounts.ts';

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
