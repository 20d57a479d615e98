import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CCCD_PROVINCE_CODES, checkCccd, maskCccd, normalizeCccd } from '../../src/shared/cccd.ts';

const preReform = JSON.parse(
  readFileSync(new URL('../../src/server/data/vn-admin-units-pre2025.json', import.meta.url), 'utf8'),
) as { provinces: { code: string }[] };

const error = (input: string, person?: { birthYear?: number | null; sex?: string | null }, year = 2026) => {
  const r = checkCccd(input, person, year);
  return r.ok ? null : r.error;
};

describe('CCCD province codes', () => {
  it('are exactly the 63 pre-2025 province codes of the reference data', () => {
    const fromData = preReform.provinces.map((p) => p.code).sort();
    expect([...CCCD_PROVINCE_CODES].sort()).toEqual(fromData);
    expect(fromData).toHaveLength(63);
  });
});

describe('checkCccd', () => {
  it('accepts a Thanh Hóa number of a man born in 1985 and reads its parts', () => {
    const r = checkCccd('038085123456', {}, 2026);
    expect(r).toEqual({ ok: true, value: { cccd: '038085123456', provinceCode: '38', birthYear: 1985, sex: 'male' } });
  });

  it('reads the century and sex from the fourth digit', () => {
    const read = (d: string) => {
      const r = checkCccd(`038${d}05123456`, {}, 2300);
      return r.ok ? [r.value.birthYear, r.value.sex] : r.error;
    };
    expect(read('0')).toEqual([1905, 'male']);
    expect(read('1')).toEqual([1905, 'female']);
    expect(read('2')).toEqual([2005, 'male']);
    expect(read('3')).toEqual([2005, 'female']);
    expect(read('4')).toEqual([2105, 'male']);
    expect(read('5')).toEqual([2105, 'female']);
    expect(read('6')).toEqual([2205, 'male']);
    expect(read('7')).toEqual([2205, 'female']);
    expect(read('8')).toEqual([1805, 'male']);
    expect(read('9')).toEqual([1805, 'female']);
  });

  it('accepts a number typed in groups of digits and keeps only the digits', () => {
    expect(normalizeCccd(' 038 085.123-456 ')).toBe('038085123456');
    expect(error('038 085 123 456')).toBeNull();
  });

  it('refuses 11 or 13 digits, letters and an empty value as a format error', () => {
    expect(error('03808512345')).toBe('cccdFormat');
    expect(error('0380851234567')).toBe('cccdFormat');
    expect(error('03808512345a')).toBe('cccdFormat');
    expect(error('O38085123456')).toBe('cccdFormat');
    expect(error('')).toBe('cccdFormat');
  });

  it('refuses a number whose first three digits are not "0" and a pre-2025 province code', () => {
    expect(error('003085123456')).toBe('cccdProvince'); // 03 was never a province code
    expect(error('097085123456')).toBe('cccdProvince'); // past the last code (96)
    expect(error('138085123456')).toBe('cccdProvince'); // must start with 0
    expect(error('001085123456')).toBeNull(); // Hà Nội
    expect(error('096085123456')).toBeNull(); // Cà Mau
  });

  it('refuses a birth year that disagrees with the century digit or the year digits', () => {
    expect(error('038085123456', { birthYear: 1985 })).toBeNull();
    expect(error('038085123456', { birthYear: 1986 })).toBe('cccdBirthYear');
    expect(error('038085123456', { birthYear: 2085 })).toBe('cccdBirthYear');
    expect(error('038203123456', { birthYear: 2003 })).toBeNull();
    expect(error('038003123456', { birthYear: 2003 })).toBe('cccdBirthYear');
  });

  it('refuses a sex that disagrees with the fourth digit, and ignores "other" or no sex', () => {
    expect(error('038085123456', { sex: 'male' })).toBeNull();
    expect(error('038085123456', { sex: 'female' })).toBe('cccdSex');
    expect(error('038185123456', { sex: 'female' })).toBeNull();
    expect(error('038185123456', { sex: 'male' })).toBe('cccdSex');
    expect(error('038185123456', { sex: 'other' })).toBeNull();
    expect(error('038185123456', { sex: null })).toBeNull();
  });

  it('refuses a number whose encoded birth year has not come yet when no birth year is given', () => {
    expect(error('038450123456', {}, 2026)).toBe('cccdFutureYear'); // 2150
    expect(error('038230123456', {}, 2026)).toBe('cccdFutureYear'); // 2030
    expect(error('038226123456', {}, 2026)).toBeNull(); // 2026
  });
});

describe('maskCccd', () => {
  it('shows the first three and last three digits only', () => {
    expect(maskCccd('001085123789')).toBe('001******789');
  });

  it('hides everything of something that is not a CCCD', () => {
    expect(maskCccd('12345')).toBe('************');
  });
});
