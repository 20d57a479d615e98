/**
 * `npm start`: parse the environment, build the PWA if its sources changed, open the database (PGlite in DATA_DIR
 * with a lock, or PostgreSQL from DATABASE_URL), migrate, listen, and print where to open the app. SIGINT/SIGTERM
 * close the server gracefully (in-flight requests finish, the database closes, the lock is released).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvError, parseEnv, type Env } from './env.ts';
import { ensureClientBuilt } from './build-client.ts';
import { DataDirLockedError } from './db/lock.ts';
import { openFromEnv, type OpenedData } from './db/open-from-env.ts';
import { buildApp } from './app.ts';
import { loggerOptions } from './logger.ts';
import { CccdKeyError, loadCccdKey, type LoadedCccdKey } from './services/cccd-crypto.ts';
import { formatVnPhone } from '../shared/phone.ts';
import { DEMO_ACCOUNTS, DEMO_COMMUNE_NAME, DEMO_PASSWORD, hasDemoAccounts, seedDemoIfEmpty } from './services/demo-seed.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function say(line: string): void {
  process.stdout.write(line + '\n');
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function main(): Promise<void> {
  let env: Env;
  try {
    env = parseEnv();
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }

  // Before anything else: with DATABASE_URL and no CCCD_KEY the server must not start at all.
  let cccdKey: LoadedCccdKey;
  try {
    cccdKey = loadCccdKey(env, ROOT);
  } catch (error) {
    if (error instanceof CccdKeyError) fail(error.message);
    throw error;
  }
  if (cccdKey.notice !== null) say(cccdKey.notice);

  try {
    await ensureClientBuilt(ROOT, say, env.DIST_DIR);
  } catch (error) {
    // The API is still worth serving (and an older dist/, if any): say so loudly and go on.
    console.error(
      'CẢNH BÁO: dựng ứng dụng web thất bại; chỉ phục vụ API (và bản dist/ cũ nếu có).\n' +
        'WARNING: building the web app failed; serving the API (and the old dist/, if any) only.\n' +
        (error instanceof Error ? error.message.split('\n').slice(0, 3).join('\n') : String(error)),
    );
  }

  let opened: OpenedData;
  try {
    opened = await openFromEnv(env, ROOT);
  } catch (error) {
    if (error instanceof DataDirLockedError) fail(error.message);
    throw error;
  }
  const { database, lock } = opened;
  const seeded = env.DEMO === '1' && (await seedDemoIfEmpty(database.db, { cccdKey: cccdKey.key }));
  const showDemo = env.DEMO === '1' && (await hasDemoAccounts(database.db));

  const app = await buildApp({
    database, distDir: resolve(ROOT, env.DIST_DIR), logger: loggerOptions(env.LOG_LEVEL), cccdKey: cccdKey.key,
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      say('Buộc dừng. / Forced stop.');
      process.exit(1);
    }
    closing = true;
    say(`\nĐang dừng (${signal})… / Shutting down (${signal})…`);
    try {
      await app.close();
      await database.close();
    } finally {
      lock?.release();
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: env.PORT, host: env.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : env.PORT;
  const shownHost = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  say('');
  say(`Từng Nhà đang chạy tại http://${shownHost}:${port}`);
  say(`Từng Nhà is running at http://${shownHost}:${port}`);
  say(`Cơ sở dữ liệu / Database: ${opened.description}`);
  if (showDemo) {
    say('');
    say(seeded ? `Đã tạo dữ liệu mẫu: ${DEMO_COMMUNE_NAME}. / Demo data created.` : `Dữ liệu mẫu: ${DEMO_COMMUNE_NAME}. / Demo data.`);
    say(`Đăng nhập thử (mật khẩu / password: ${DEMO_PASSWORD}):`);
    for (const a of DEMO_ACCOUNTS) say(`  ${formatVnPhone(a.phone)}  ${a.label} — ${a.name}`);
    say('Triển khai thật: DEMO=0 trên cơ sở dữ liệu trống, hoặc đổi mật khẩu: npm run admin -- reset-password --phone …');
    say('Real deployment: DEMO=0 on an empty database, or change passwords: npm run admin -- reset-password --phone …');
  }
  say('Nhấn Ctrl+C để dừng. / Press Ctrl+C to stop.');
}

main().catch((error: unknown) => {
  console.error('Không khởi động được máy chủ / The server failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
