/**
 * `npm run locales:check`: what is untranslated. Lists keys present in Vietnamese (the source) but missing in
 * English, keys English has that Vietnamese lacks, and strings whose {{placeholders}} differ.
 */
import { baseKey, localeKeys, placeholders } from './locale-keys.ts';

const vi = localeKeys('vi');
const en = localeKeys('en');
const viBase = new Set([...vi.keys()].map(baseKey));
const enBase = new Set([...en.keys()].map(baseKey));
const missing = [...viBase].filter((k) => !enBase.has(k));
const extra = [...enBase].filter((k) => !viBase.has(k));
const mismatched = [...vi.entries()].filter(([k, v]) => en.has(k) && placeholders(v).join() !== placeholders(en.get(k) ?? '').join());

console.log(`vi: ${viBase.size} keys, en: ${enBase.size} keys, coverage ${((100 * (viBase.size - missing.length)) / Math.max(1, viBase.size)).toFixed(1)} %`);
for (const k of missing) console.log(`  missing in en: ${k}`);
for (const k of extra) console.log(`  only in en:    ${k}`);
for (const [k] of mismatched) console.log(`  placeholders differ: ${k}`);
process.exit(missing.length + extra.length + mismatched.length === 0 ? 0 : 1);
