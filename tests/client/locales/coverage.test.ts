import { describe, expect, it } from 'vitest';
import { baseKey, localeKeys, placeholders } from '../../support/locale-keys.ts';

const vi = localeKeys('vi');
const en = localeKeys('en');

describe('translations', () => {
  it('has an English string for every Vietnamese key and no English-only keys', () => {
    const viBase = [...new Set([...vi.keys()].map(baseKey))].sort();
    const enBase = [...new Set([...en.keys()].map(baseKey))].sort();
    expect(enBase).toEqual(viBase);
  });

  it('uses the same placeholders in both languages', () => {
    const differing = [...vi.entries()]
      .filter(([k, v]) => en.has(k) && placeholders(v).join() !== placeholders(en.get(k) ?? '').join())
      .map(([k]) => k);
    expect(differing).toEqual([]);
  });

  it('has no empty strings', () => {
    const empty = [...vi, ...en].filter(([, v]) => v.trim() === '').map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it('writes Vietnamese with its diacritics (a Vietnamese file without any would be untranslated English)', () => {
    const namespaces = new Set([...vi.keys()].map((k) => k.split(':')[0]));
    const withoutDiacritics = [...namespaces].filter((ns) =>
      ![...vi.entries()].some(([k, v]) => k.startsWith(`${ns}:`) && /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i.test(v)),
    );
    expect(withoutDiacritics).toEqual([]);
  });
});
