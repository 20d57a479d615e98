import { describe, expect, it } from 'vitest';
import { checkVnPhone, formatVnPhone, maskVnPhone, normalizeVnPhone } from '../../src/shared/phone.ts';

describe('checkVnPhone', () => {
  it.each([
    ['0912345678'],
    ['+84912345678'],
    ['+84 912 345 678'],
    ['84912345678'],
    ['84 912 345 678'],
    ['0912 345 678'],
    ['0912.345.678'],
    ['0912-345-678'],
    ['(091) 234-5678'],
    ['  0912345678  '],
  ])('reads %j as the national number 0912345678 on a known prefix', (input) => {
    expect(checkVnPhone(input)).toEqual({ kind: 'valid', national: '0912345678' });
  });

  it.each([['0321234567'], ['0561234567'], ['0701234567'], ['0861234567'], ['0991234567']])(
    'knows the mobile prefix of %s',
    (input) => {
      expect(checkVnPhone(input).kind).toBe('valid');
    },
  );

  it('accepts a well-formed number on a prefix it does not know, marked for a warning', () => {
    expect(checkVnPhone('0212345678')).toEqual({ kind: 'unknown-prefix', national: '0212345678' });
    expect(checkVnPhone('+84 212 345 678')).toEqual({ kind: 'unknown-prefix', national: '0212345678' });
    expect(checkVnPhone('0951234567')).toEqual({ kind: 'unknown-prefix', national: '0951234567' });
  });

  it('treats empty and blank input as no number', () => {
    expect(checkVnPhone('')).toEqual({ kind: 'empty' });
    expect(checkVnPhone('   ')).toEqual({ kind: 'empty' });
  });

  it.each([
    ['letters', '09123abc78'],
    ['a word', 'không có'],
    ['nine digits', '091234567'],
    ['eleven digits', '09123456789'],
    ['eleven digits after +84', '+8409123456789'],
    ['a number without the leading 0', '912345678'],
    ['a slash', '0912/345/678'],
  ])('refuses %s (%j)', (_what, input) => {
    expect(checkVnPhone(input)).toEqual({ kind: 'invalid' });
  });
});

describe('normalizeVnPhone', () => {
  it('returns the national form for valid and unknown-prefix numbers and null otherwise', () => {
    expect(normalizeVnPhone('+84 912 345 678')).toBe('0912345678');
    expect(normalizeVnPhone('0212 345 678')).toBe('0212345678');
    expect(normalizeVnPhone('12345')).toBeNull();
    expect(normalizeVnPhone('')).toBeNull();
  });
});

describe('formatVnPhone', () => {
  it('groups a national number as 4-3-3 for reading aloud', () => {
    expect(formatVnPhone('0912345678')).toBe('0912 345 678');
  });

  it('leaves anything that is not a national number as it was', () => {
    expect(formatVnPhone('12345')).toBe('12345');
    expect(formatVnPhone('+84912345678')).toBe('+84912345678');
  });
});

describe('maskVnPhone', () => {
  it('hides the middle three digits of a national number', () => {
    expect(maskVnPhone('0912345678')).toBe('0912•••678');
  });

  it('reveals nothing of a value that is not a national number', () => {
    expect(maskVnPhone('+84912345678')).toBe('•••');
    expect(maskVnPhone('')).toBe('•••');
  });
});
