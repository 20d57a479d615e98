/**
 * A record's content fingerprint for idempotency: SHA-256 of its canonical JSON (keys sorted, at every level) without
 * `version`, which the server assigns. Same content pushed twice → same hash → `duplicate`, never a new change.
 * The canonical text must never change (stored hashes are compared with new ones); it is built in one pass, since
 * hashing is most of a push's own CPU time.
 */
import { hash } from 'node:crypto';

const quotedKeys = new Map<string, string>();

function quoted(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = JSON.stringify(key);
    // Record field names are a small fixed set; anything else is quoted each time rather than remembered.
    if (quotedKeys.size < 256) quotedKeys.set(key, q);
  }
  return q;
}

/**
 * Strings that may need JSON.stringify's escapes: `"`, `\\`, control characters (it escapes U+0000–U+001F; the
 * others of \p{Cc} only take the slow path) and lone surrogates. Most strings of a record (ids, codes, dates, words)
 * have none: they are quoted as they are, without a call into JSON.stringify — the same text.
 */
const MAY_NEED_ESCAPES = /["\\\p{Cc}\p{Cs}]/u;

function canonical(value: unknown): string {
  if (typeof value === 'string') return MAY_NEED_ESCAPES.test(value) ? JSON.stringify(value) : `"${value}"`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    // An undefined element leaves an empty slot, as `join` did in the first version of this function.
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (value[i] === undefined ? '' : canonical(value[i]));
    return out + ']';
  }
  const object = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  // Default sort: UTF-16 code unit order, the same order as comparing keys with < and >.
  for (const key of Object.keys(object).sort()) {
    const v = object[key];
    if (key === 'version' || v === undefined) continue;
    out += (first ? '' : ',') + quoted(key) + ':' + canonical(v);
    first = false;
  }
  return out + '}';
}

export function contentHash(record: Record<string, unknown>): string {
  return hash('sha256', canonical(record), 'hex');
}
