/**
 * Household link codes: what a volunteer prints on a household card so a resident can send their self-check to
 * that household without an account.
 *
 * A code is 13 symbols of Crockford base32 (0-9 and A-Z without I, L, O, U): 65 bits from the platform's CSPRNG.
 * People type it in groups ("K7QM-4XPD-9T2W-R"); reading it back forgives case, spaces, dashes and the look-alikes
 * Crockford names (O→0, I/L→1). The server keeps only a hash of the normalised code, so its database never holds
 * a code that works.
 *
 * Guessing: with the public endpoint limited per IP (SUBMIT_LIMIT_PER_IP an hour) and a space of 2^65 codes of
 * which at most a few million are ever live, `expectedYearsPerHit` gives the time one client needs, on average,
 * to find any live code. The tests hold it above a million years.
 */
import * as z from 'zod/mini';
import { UUID_PATTERN } from './ids.ts';

export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 13;
/** log2(32) × 13 = 65 bits: every symbol is one uniformly random 5-bit group. */
export const CODE_BITS = Math.log2(CODE_ALPHABET.length) * CODE_LENGTH;
const GROUP = 4;

/** The public endpoint's budget: self-check submissions per client IP per hour, and per code per hour. */
export const SUBMIT_LIMIT_PER_IP = 30;
export const SUBMIT_LIMIT_PER_CODE = 10;
/** Looking a code up (to show the hamlet name) shares the per-IP budget's size. */
export const LOOKUP_LIMIT_PER_IP = 30;

// Web Crypto exists in browsers and in Node ≥ 19 as a global; shared code has neither lib, so it names the one call.
const webCrypto = (globalThis as unknown as { crypto: { getRandomValues(a: Uint8Array): Uint8Array } }).crypto;

/** A fresh code, normalised (no dashes). Each symbol takes 5 bits of one random byte: no modulo bias. */
export function generateLinkCode(): string {
  const bytes = new Uint8Array(CODE_LENGTH);
  webCrypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += CODE_ALPHABET.charAt(b & 31);
  return out;
}

/** "K7QM4XPD9T2WR" → "K7QM-4XPD-9T2W-R": how the code is printed and shown. */
export function formatLinkCode(code: string): string {
  const groups: string[] = [];
  for (let i = 0; i < code.length; i += GROUP) groups.push(code.slice(i, i + GROUP));
  return groups.join('-');
}

/**
 * What a person typed → the normalised code, or null when it cannot be one. Case, spaces and dashes are ignored;
 * O reads as 0 and I, L as 1 (Crockford's rule), so a misread letter still finds the household.
 */
export function normalizeLinkCode(input: string): string | null {
  const s = input
    .toUpperCase()
    .replace(/[\s\-–—_.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (s.length !== CODE_LENGTH) return null;
  for (const ch of s) if (!CODE_ALPHABET.includes(ch)) return null;
  return s;
}

/**
 * Average years for one client, at the per-IP limit, to hit any of `liveCodes` codes: each guess succeeds with
 * probability live/2^bits, so a hit takes 2^bits/live guesses on average.
 */
export function expectedYearsPerHit(liveCodes: number, guessesPerHour = SUBMIT_LIMIT_PER_IP): number {
  const guessesPerHit = 2 ** CODE_BITS / liveCodes;
  return guessesPerHit / guessesPerHour / (24 * 365.25);
}

// ---- The API ----------------------------------------------------------------------------------------------

/** The path a resident opens: /ma/<code>. Typed routes build it on the client; the QR code carries the full URL. */
export const LINK_PATH_PREFIX = '/ma/';

export const linkCodeParamSchema = z.string().check(
  z.refine((s) => normalizeLinkCode(s) !== null, 'invalid'),
);

export const createHouseholdLinkSchema = z.strictObject({
  householdId: z.string().check(z.regex(UUID_PATTERN, 'invalidId')),
});

/** What the volunteer gets when creating a link: the only time the code itself leaves the server. */
export const householdLinkCreatedSchema = z.strictObject({
  id: z.string(),
  householdId: z.string(),
  /** The normalised code (no dashes). */
  code: z.string(),
  hamletName: z.string(),
  createdAt: z.string(),
});
export type HouseholdLinkCreated = z.output<typeof householdLinkCreatedSchema>;

/** A link as the household page lists it: never the code (the server does not have it). */
export const householdLinkSummarySchema = z.strictObject({
  id: z.string(),
  householdId: z.string(),
  /** The code's last four symbols, so a volunteer can tell which card is which. */
  hint: z.string(),
  createdAt: z.string(),
  revokedAt: z.nullable(z.string()),
});
export type HouseholdLinkSummary = z.output<typeof householdLinkSummarySchema>;

export const householdLinkListSchema = z.strictObject({ links: z.array(householdLinkSummarySchema) });

/** What anyone holding the code learns: the hamlet's name, nothing about the household or its people. */
export const linkLookupSchema = z.strictObject({ hamletName: z.string() });
export type LinkLookup = z.output<typeof linkLookupSchema>;

export const selfCheckReceiptSchema = z.strictObject({
  status: z.enum(['applied', 'duplicate']),
});
export type SelfCheckReceipt = z.output<typeof selfCheckReceiptSchema>;
