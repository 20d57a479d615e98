/** Reads locales/<lang>/*.json into flat "namespace:key.path" → string maps, for coverage checks. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function flatten(prefix: string, value: unknown, into: Map<string, string>): void {
  if (typeof value === 'string') {
    into.set(prefix, value);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(prefix.endsWith(':') ? `${prefix}${k}` : `${prefix}.${k}`, v, into);
  }
}

export function localeKeys(lang: string): Map<string, string> {
  const dir = join(root, 'locales', lang);
  const keys = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    flatten(`${file.replace(/\.json$/, '')}:`, JSON.parse(readFileSync(join(dir, file), 'utf8')), keys);
  }
  return keys;
}

/** i18next plural keys ("x_one", "x_other") count as one key "x" for coverage across languages. */
export function baseKey(key: string): string {
  return key.replace(/_(zero|one|two|few|many|other)$/, '');
}

export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1] as string).sort();
}
