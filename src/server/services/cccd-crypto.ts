/**
 * CCCD numbers at rest: AES-256-GCM (node:crypto) with a random 96-bit IV per value and the member's id as
 * additional authenticated data (a ciphertext copied onto another row does not decrypt), plus a keyed HMAC-SHA256
 * so a duplicate CCCD in a commune is found by an index lookup without decrypting anything.
 * Both keys are derived (HKDF-SHA256) from one master key: CCCD_KEY (base64 of 32 bytes) from the environment, or,
 * on PGlite without it, a key generated once into DATA_DIR/cccd.key (mode 0600). With DATABASE_URL and no key the
 * server refuses to start: a key generated on one of several app servers would make the others' data unreadable.
 * Losing the key loses every stored CCCD (masks included): back it up with the database.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const CCCD_KEY_FILE = 'cccd.key';

export interface CccdCipher {
  /** "v1." + base64(iv ‖ tag ‖ ciphertext), bound to `memberId`. */
  encrypt(cccd: string, memberId: string): string;
  decrypt(stored: string, memberId: string): string;
  /** Hex HMAC of the 12 digits: equal numbers give equal values, and nothing else can be read from it. */
  hmac(cccd: string): string;
}

function subKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `tung-nha cccd ${purpose} ${VERSION}`, 32));
}

export function createCccdCipher(masterKey: Buffer): CccdCipher {
  if (masterKey.length !== 32) throw new Error('The CCCD key must be 32 bytes');
  const encKey = subKey(masterKey, 'encryption');
  const macKey = subKey(masterKey, 'hmac');
  return {
    encrypt(cccd, memberId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      cipher.setAAD(Buffer.from(memberId, 'utf8'));
      const body = Buffer.concat([cipher.update(cccd, 'utf8'), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    decrypt(stored, memberId) {
      const [version, payload] = stored.split('.', 2);
      if (version !== VERSION || payload === undefined) throw new Error('Unknown CCCD ciphertext version');
      const raw = Buffer.from(payload, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(memberId, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
    hmac(cccd) {
      return createHmac('sha256', macKey).update(cccd, 'utf8').digest('hex');
    },
  };
}

export class CccdKeyError extends Error {
  override name = 'CccdKeyError';
}

export interface LoadedCccdKey {
  key: Buffer;
  /** What to tell the person starting the server (null when the key came from the environment). */
  notice: string | null;
}

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    throw new CccdKeyError(
      `Khóa CCCD trong ${where} không phải base64 của 32 byte. / The CCCD key in ${where} is not the base64 of 32 bytes.`,
    );
  }
  return key;
}

/**
 * The master key: CCCD_KEY, else (PGlite only) DATA_DIR/cccd.key, created with mode 0600 when missing. Throws
 * CccdKeyError with a readable message when DATABASE_URL is set and CCCD_KEY is not, or the key file is bad.
 */
export function loadCccdKey(
  env: { CCCD_KEY?: string | undefined; DATABASE_URL?: string | undefined; DATA_DIR: string },
  rootDir: string,
): LoadedCccdKey {
  if (env.CCCD_KEY !== undefined) return { key: decodeKey(env.CCCD_KEY, 'CCCD_KEY'), notice: null };
  if (env.DATABASE_URL !== undefined) {
    throw new CccdKeyError(
      'Thiếu CCCD_KEY: với DATABASE_URL, khóa mã hóa số CCCD phải đặt trong biến môi trường (tạo bằng: openssl rand -base64 32) ' +
        'và giữ giống nhau trên mọi máy chủ.\n' +
        'CCCD_KEY is missing: with DATABASE_URL the key that encrypts CCCD numbers must come from the environment ' +
        '(make one with: openssl rand -base64 32) and be the same on every server.',
    );
  }
  const dataDir = resolve(rootDir, env.DATA_DIR);
  const file = join(dataDir, CCCD_KEY_FILE);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    const notice =
      (mode & 0o077) !== 0
        ? `CẢNH BÁO: ${file} đọc được bởi người khác (chmod 600). / WARNING: ${file} is readable by others (chmod 600).`
        : null;
    return { key: decodeKey(readFileSync(file, 'utf8'), file), notice };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return {
    key,
    notice:
      `Đã tạo khóa mã hóa số CCCD: ${file} (hãy sao lưu cùng dữ liệu; mất khóa là mất số CCCD đã lưu).\n` +
      `Generated the CCCD encryption key: ${file} (back it up with the data; without it stored CCCD numbers are lost).`,
  };
}
