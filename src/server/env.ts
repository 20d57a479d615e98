/**
 * The server's environment, parsed once at start with zod. A bad value stops the process with a readable list in
 * Vietnamese and English instead of failing later in some corner.
 *
 * HOST defaults to 127.0.0.1 (loopback only): a laptop on a café network does not expose the data by accident, and
 * service workers accept http://127.0.0.1 as a secure origin. Set HOST=0.0.0.0 to serve a LAN or a container.
 */
import * as z from 'zod/mini';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  PORT: z._default(
    z.pipe(
      z.string().check(z.regex(/^\d{1,5}$/, 'PORT phải là một số / PORT must be a number')),
      z.transform((s) => Number(s)),
    ).check(z.refine((n) => n >= 0 && n <= 65535, 'PORT phải từ 0 đến 65535 / PORT must be 0–65535')),
    8080,
  ),
  HOST: z._default(z.string().check(z.minLength(1, 'HOST không được để trống / HOST must not be empty')), '127.0.0.1'),
  DATA_DIR: z._default(z.string().check(z.minLength(1, 'DATA_DIR không được để trống / DATA_DIR must not be empty')), './data'),
  DATABASE_URL: z.optional(
    z.string().check(
      z.regex(/^postgres(ql)?:\/\//, 'DATABASE_URL phải bắt đầu bằng postgres:// / DATABASE_URL must start with postgres://'),
    ),
  ),
  /** Where the built PWA lives (relative to the project root); `npm start` builds it there when stale. */
  DIST_DIR: z._default(z.string().check(z.minLength(1, 'DIST_DIR không được để trống / DIST_DIR must not be empty')), 'dist'),
  LOG_LEVEL: z._default(z.enum(LOG_LEVELS, 'LOG_LEVEL phải là một trong / must be one of: ' + LOG_LEVELS.join(', ')), 'info'),
  DEMO: z._default(z.enum(['0', '1'], 'DEMO phải là 0 hoặc 1 / DEMO must be 0 or 1'), '1'),
  /**
   * The key that encrypts CCCD numbers at rest: base64 of 32 random bytes (`openssl rand -base64 32`). Unset on
   * PGlite → generated once into DATA_DIR/cccd.key; unset with DATABASE_URL → the server refuses to start.
   */
  CCCD_KEY: z.optional(
    z.string().check(
      z.refine(
        (s) => /^[A-Za-z0-9+/]{43}=$/.test(s.trim()) && Buffer.from(s.trim(), 'base64').length === 32,
        'CCCD_KEY phải là base64 của đúng 32 byte (openssl rand -base64 32) / CCCD_KEY must be the base64 of exactly 32 bytes (openssl rand -base64 32)',
      ),
    ),
  ),
});

export type Env = z.output<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(
      'Cấu hình môi trường không hợp lệ / Invalid environment:\n' + problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'EnvError';
  }
}

/** Parses the environment (process.env by default). Empty strings count as unset. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const input: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = envSchema.safeParse(input);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return result.data;
}
