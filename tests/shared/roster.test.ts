import { describe, expect, it } from 'vitest';
import {
  AFFILIATION_WORDS,
  codeForWord,
  columnForHeader,
  householdRowSchema,
  HOUSEHOLD_COLUMNS,
  importFileSchema,
  memberInputSchema,
  memberPatchSchema,
  MEMBER_COLUMNS,
  RELATION_WORDS,
  SEX_WORDS,
  teamInputSchema,
  TEAM_ROLE_WORDS,
} from '../../src/shared/roster.ts';

const fields = (r: { success: boolean; error?: { issues: readonly { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.success ? [] : (r.error?.issues ?? [])).map((i) => [i.path.join('.'), i.message]));

const member = {
  fullName: '  Lò Văn   Thắng ',
  cccd: '038 085 123 456',
  phone: '+84 912 345 678',
  birthYear: 1985,
  sex: 'male',
  affiliation: 'youth-union',
  role: 'leader',
};

describe('memberInputSchema', () => {
  it('cleans the name and stores the CCCD and phone as bare digits', () => {
    const r = memberInputSchema.safeParse(member);
    expect(r.success && r.data).toEqual({
      fullName: 'Lò Văn Thắng', cccd: '038085123456', phone: '0912345678', birthYear: 1985, sex: 'male',
      affiliation: 'youth-union', role: 'leader',
    });
  });

  it('leaves birth year and sex empty when not given', () => {
    const r = memberInputSchema.safeParse({ ...member, birthYear: undefined, sex: undefined });
    expect(r.success && [r.data.birthYear, r.data.sex]).toEqual([null, null]);
  });

  it('puts a CCCD that disagrees with the birth year on the CCCD field', () => {
    expect(fields(memberInputSchema.safeParse({ ...member, birthYear: 1986 }))).toEqual({ cccd: 'cccdBirthYear' });
  });

  it('puts a CCCD that disagrees with the sex on the CCCD field', () => {
    expect(fields(memberInputSchema.safeParse({ ...member, sex: 'female' }))).toEqual({ cccd: 'cccdSex' });
  });

  it('reports a malformed CCCD once, beside the other fields’ problems', () => {
    const r = memberInputSchema.safeParse({ ...member, cccd: '12345', fullName: '', phone: '' });
    expect(fields(r)).toEqual({ cccd: 'cccdFormat', fullName: 'required', phone: 'required' });
  });

  it('refuses a wrong province in the CCCD', () => {
    expect(fields(memberInputSchema.safeParse({ ...member, cccd: '099085123456' }))).toEqual({ cccd: 'cccdProvince' });
  });

  it('accepts a well-formed phone on an unknown prefix and refuses one that is not a phone', () => {
    expect(memberInputSchema.safeParse({ ...member, phone: '0212345678' }).success).toBe(true);
    expect(fields(memberInputSchema.safeParse({ ...member, phone: '12ab' }))).toEqual({ phone: 'phoneInvalid' });
  });

  it('refuses an unknown affiliation or role and unknown fields', () => {
    expect(fields(memberInputSchema.safeParse({ ...member, affiliation: 'army', role: 'boss' }))).toEqual({
      affiliation: 'required', role: 'required',
    });
    expect(memberInputSchema.safeParse({ ...member, note: 'x' }).success).toBe(false);
  });
});

describe('memberPatchSchema and teamInputSchema', () => {
  it('lets an edit leave the CCCD and phone out', () => {
    const r = memberPatchSchema.safeParse({ fullName: 'Lò Văn Thắng', role: 'member' });
    expect(r.success && r.data).toEqual({ fullName: 'Lò Văn Thắng', role: 'member' });
  });

  it('still checks a CCCD an edit does send', () => {
    expect(fields(memberPatchSchema.safeParse({ cccd: '0380851234' }))).toEqual({ cccd: 'cccdFormat' });
  });

  it('needs a team name and a five-digit commune; the hamlet is optional', () => {
    expect(teamInputSchema.safeParse({ name: 'Tổ 1', communeCode: '14956' }).data).toEqual({
      name: 'Tổ 1', communeCode: '14956', hamletId: null,
    });
    expect(fields(teamInputSchema.safeParse({ name: ' ', communeCode: '149' }))).toEqual({
      name: 'required', communeCode: 'invalidArea',
    });
  });
});

describe('import format', () => {
  it('finds columns by any accepted heading, whatever the case, tone marks or punctuation', () => {
    expect(columnForHeader(MEMBER_COLUMNS, 'HỌ VÀ TÊN')?.field).toBe('fullName');
    expect(columnForHeader(MEMBER_COLUMNS, 'Ho ten')?.field).toBe('fullName');
    expect(columnForHeader(MEMBER_COLUMNS, 'Số CCCD')?.field).toBe('cccd');
    expect(columnForHeader(MEMBER_COLUMNS, 'SĐT')?.field).toBe('phone');
    expect(columnForHeader(HOUSEHOLD_COLUMNS, 'Quan hệ với chủ hộ')?.field).toBe('relation');
    expect(columnForHeader(MEMBER_COLUMNS, 'Sở thích')).toBeUndefined();
    expect(columnForHeader(MEMBER_COLUMNS, '')).toBeUndefined();
  });

  it('reads the value words people write, and refuses words it does not know', () => {
    expect(codeForWord(AFFILIATION_WORDS, 'Đoàn Thanh niên')).toBe('youth-union');
    expect(codeForWord(AFFILIATION_WORDS, 'hội phụ nữ')).toBe('women-union');
    expect(codeForWord(AFFILIATION_WORDS, 'Bưu chính/Viễn thông')).toBe('post-telecom');
    expect(codeForWord(AFFILIATION_WORDS, 'commune-police')).toBe('commune-police');
    expect(codeForWord(TEAM_ROLE_WORDS, 'TỔ TRƯỞNG')).toBe('leader');
    expect(codeForWord(SEX_WORDS, 'nữ')).toBe('female');
    expect(codeForWord(RELATION_WORDS, 'Vợ / Chồng')).toBe('spouse');
    expect(codeForWord(RELATION_WORDS, 'Con dâu')).toBe('in-law');
    expect(codeForWord(AFFILIATION_WORDS, 'Quân đội')).toBeUndefined();
  });

  it('takes a person row of a household file and checks it like the household form', () => {
    const r = householdRowSchema.safeParse({
      householdKey: ' 1 ', fullName: 'Hà Văn Khuyên', relation: 'head', birthYear: 1968, sex: 'male',
      address: ' Bản Đôn ', phone: '0912 345 678', note: '',
    });
    expect(r.success && [r.data.householdKey, r.data.address, r.data.phone]).toEqual(['1', 'Bản Đôn', '0912345678']);
    expect(fields(householdRowSchema.safeParse({ householdKey: '', fullName: '', relation: 'x', address: '', phone: 'abc', note: '' })))
      .toEqual({ householdKey: 'required', fullName: 'required', relation: 'required', phone: 'phoneInvalid' });
  });

  it('accepts a file only as base64 content with a name', () => {
    expect(importFileSchema.safeParse({ fileName: 'to.csv', content: btoa('Ho va ten\nLo Van Thang\n') }).success).toBe(true);
    expect(fields(importFileSchema.safeParse({ fileName: 'to.csv', content: 'không phải base64!' }))).toEqual({ content: 'importUnreadable' });
  });
});
