import { describe, expect, it } from 'vitest';
import {
  buildSearchText,
  cleanName,
  foldText,
  matchesFolded,
  queryWords,
  viCollator,
} from '../../src/shared/text-fold.ts';

const NFC = 'Nguyễn Văn Á'.normalize('NFC');
const NFD = 'Nguyễn Văn Á'.normalize('NFD');

describe('foldText', () => {
  it('folds a name typed in NFC and the same name in NFD to the same plain text', () => {
    expect(NFC).not.toBe(NFD);
    expect(foldText(NFC)).toBe('nguyen van a');
    expect(foldText(NFD)).toBe('nguyen van a');
  });

  it('maps đ and Đ to d, which Unicode does not decompose', () => {
    expect(foldText('Đặng Đình Đức')).toBe('dang dinh duc');
    expect(foldText('đường')).toBe('duong');
  });

  it('removes every Vietnamese tone mark and vowel modifier', () => {
    expect(foldText('ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ỳýỷỹỵ')).toBe(
      'aaaaa aaaaa eeeee ooooo ooooo uuuuu yyyyy',
    );
  });

  it('collapses runs of whitespace (tabs, newlines, non-breaking spaces) and trims the ends', () => {
    expect(foldText('  Trần\t\tThị \n Bình\u00a0 ')).toBe('tran thi binh');
    expect(foldText('   ')).toBe('');
  });
});

describe('queryWords and matchesFolded', () => {
  const haystack = buildSearchText(['Nguyễn Văn Á', 'Thôn Đông']);

  it('finds a record whatever the order of the words typed', () => {
    expect(matchesFolded(haystack, queryWords('van a nguyen'))).toBe(true);
    expect(matchesFolded(haystack, queryWords('Đông NGUYỄN'))).toBe(true);
  });

  it('needs every word of the query to occur', () => {
    expect(matchesFolded(haystack, queryWords('nguyen binh'))).toBe(false);
  });

  it('turns an empty or blank query into no words, which matches everything', () => {
    expect(queryWords('')).toEqual([]);
    expect(queryWords('  \t ')).toEqual([]);
    expect(matchesFolded(haystack, queryWords(''))).toBe(true);
  });

  it('splits the folded query on single spaces', () => {
    expect(queryWords('  Trần   Thị  ')).toEqual(['tran', 'thi']);
  });
});

describe('buildSearchText', () => {
  it('folds each part and joins them with a separator, skipping empty, blank and missing parts', () => {
    expect(buildSearchText(['Nguyễn Văn Á', null, '', '  ', undefined, 'Xóm 1', '0912345678'])).toBe(
      'nguyen van a | xom 1 | 0912345678',
    );
  });

  it('keeps a phone number searchable by its digits', () => {
    expect(matchesFolded(buildSearchText(['Lê Văn An', '0912345678']), queryWords('345678 an'))).toBe(true);
  });
});

describe('cleanName', () => {
  it('stores names in NFC with single spaces, so equal names compare equal', () => {
    expect(cleanName(`  ${NFD}   `)).toBe(NFC);
    expect(cleanName('Lò   Văn\tPá')).toBe('Lò Văn Pá');
  });
});

describe('viCollator', () => {
  it('sorts names in Vietnamese alphabetical order: a < ă < â, d < đ', () => {
    const names = ['Đức', 'Yến', 'Ân', 'Chi', 'Ăn', 'Dũng', 'An', 'Bình', 'Em', 'Đạt', 'Anh'];
    expect([...names].sort(viCollator().compare)).toEqual([
      'An', 'Anh', 'Ăn', 'Ân', 'Bình', 'Chi', 'Dũng', 'Đạt', 'Đức', 'Em', 'Yến',
    ]);
  });

  it('places An before Ân before Bình before Chi before Dũng before Đức', () => {
    const c = viCollator();
    const chain = ['An', 'Ân', 'Bình', 'Chi', 'Dũng', 'Đức'];
    for (let i = 1; i < chain.length; i++) expect(c.compare(chain[i - 1]!, chain[i]!)).toBeLessThan(0);
  });

  it('ignores tone marks and case but not the letters ă, â, đ', () => {
    const c = viCollator();
    expect(c.compare('An', 'Án')).toBe(0);
    expect(c.compare('an', 'AN')).toBe(0);
    expect(c.compare('An', 'Ăn')).toBeLessThan(0);
    expect(c.compare('Dung', 'Đung')).toBeLessThan(0);
  });

  it('compares numbers in names by value, so Thôn 2 comes before Thôn 10', () => {
    expect(viCollator().compare('Thôn 2', 'Thôn 10')).toBeLessThan(0);
  });

  it('compares an NFD name equal to its NFC form', () => {
    expect(viCollator().compare(NFC, NFD)).toBe(0);
  });

  it('is created once', () => {
    expect(viCollator()).toBe(viCollator());
  });
});
