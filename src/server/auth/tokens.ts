/**
 * Opaque session tokens: 32 random bytes, base64url. Only their SHA-256 is stored, so a copy of the database does
 * not hand out working sessions.
 */
import { createHash, randomBytes } from 'node:crypto';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
