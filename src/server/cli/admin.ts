/**
 * Account administration: `npm run admin -- <command> [options]`.
 *
 *   create-team    --name "Tổ CNSCĐ thôn Đông" --province 38 --commune 14845
 *   create-user    --phone 0912345678 --name "Nguyễn Văn An" --role volunteer --scope team:<team-id> [--password …]
 *                  roles: admin (scope all) · coordinator (province:38 | commune:14845 | district:380)
 *                         team-leader, volunteer (team:<id>)
 *                  district scopes read the pre-2025 and old→new data files from --units-dir (default src/server/data)
 *   reset-password --phone 0912345678 [--password …]   (ends every session of the account)
 *   list-users
 *
 * Without --password a random one is generated and printed once. Uses DATABASE_URL or DATA_DIR like `npm start`;
 * with PGlite, stop the server first (one process owns the data directory).
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvError, parseEnv } from '../env.ts';
import { DataDirLockedError } from '../db/lock.ts';
import { openFromEnv } from '../db/open-from-env.ts';
import { teamsRepository, usersRepository } from '../db/users.ts';
import { ROLES, type Role } from '../db/schema.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { maskVnPhone } from '../../shared/phone.ts';
import {
  AccountError,
  communesOfOldDistrict,
  createAccount,
  generatePassword,
  resetPassword,
  type ScopeSpec,
} from '../services/accounts.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const USAGE = `Cách dùng / Usage: npm run admin -- <create-team|create-user|reset-password|list-users> [options]
  create-team    --name <tên> --province <mã tỉnh> --commune <mã xã>
  create-user    --phone <sđt> --name <tên> --role <${ROLES.join('|')}> --scope <all|province:NN|commune:NNNNN|district:NNN|team:ID> [--password <mk>]
  reset-password --phone <sđt> [--password <mk>]
  list-users`;

function out(line: string): void {
  process.stdout.write(line + '\n');
}

function need(value: string | undefined, name: string): string {
  if (value === undefined || value.trim() === '') throw new AccountError(`Thiếu --${name} / Missing --${name}\n${USAGE}`);
  return value;
}

function parseScope(spec: string, unitsDir: string): ScopeSpec {
  if (spec === 'all') return { kind: 'all' };
  const [kind, code = ''] = spec.split(':', 2);
  switch (kind) {
    case 'province':
      return { kind: 'province', code };
    case 'commune':
      return { kind: 'commune', code };
    case 'district':
      return { kind: 'district', code, communes: communesOfOldDistrict(unitsDir, code) };
    case 'team':
      return { kind: 'team', teamId: code };
    default:
      throw new AccountError(`Phạm vi không hợp lệ / Invalid scope: ${spec}\n${USAGE}`);
  }
}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      phone: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      scope: { type: 'string' },
      password: { type: 'string' },
      province: { type: 'string' },
      commune: { type: 'string' },
      'units-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out(USAGE);
    return;
  }
  const command = positionals[0];
  if (command === undefined || !['create-team', 'create-user', 'reset-password', 'list-users'].includes(command)) {
    out(USAGE);
    process.exitCode = command === undefined ? 0 : 1;
    return;
  }

  const env = parseEnv();
  const { database } = await openFromEnv(env, ROOT);
  try {
    const db = database.db;
    if (command === 'create-team') {
      const province = need(values.province, 'province');
      const commune = need(values.commune, 'commune');
      if (!/^\d{2}$/.test(province) || !/^\d{5}$/.test(commune)) throw new AccountError('Mã tỉnh: 2 số, mã xã: 5 số / Province: 2 digits, commune: 5 digits');
      const team = await teamsRepository(db).create({ id: uuidv7(), name: need(values.name, 'name').normalize('NFC').trim(), provinceCode: province, communeCode: commune });
      out(`Đã tạo tổ / Team created: ${team.name} — id ${team.id}`);
    } else if (command === 'create-user') {
      const role = need(values.role, 'role');
      if (!(ROLES as readonly string[]).includes(role)) throw new AccountError(`Vai trò không hợp lệ / Invalid role: ${role}\n${USAGE}`);
      const unitsDir = resolve(ROOT, values['units-dir'] ?? 'src/server/data');
      const password = values.password ?? generatePassword();
      const user = await createAccount(db, {
        phone: need(values.phone, 'phone'),
        name: need(values.name, 'name'),
        role: role as Role,
        password,
        scope: parseScope(need(values.scope, 'scope'), unitsDir),
      });
      out(`Đã tạo tài khoản / Account created: ${user.name} (${user.role}, ${user.scopeLabel}) — ${user.phone}`);
      if (values.password === undefined) out(`Mật khẩu / Password: ${password}`);
    } else if (command === 'reset-password') {
      const password = values.password ?? generatePassword();
      const user = await resetPassword(db, need(values.phone, 'phone'), password);
      out(`Đã đặt lại mật khẩu / Password reset: ${user.name}; mọi phiên đăng nhập đã kết thúc / all sessions ended.`);
      if (values.password === undefined) out(`Mật khẩu mới / New password: ${password}`);
    } else {
      for (const u of await usersRepository(db).list()) {
        out(`${maskVnPhone(u.phone)}  ${u.role.padEnd(11)}  ${u.scopeLabel.padEnd(20)}  ${u.active ? '' : '(inactive) '}${u.name}`);
      }
    }
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof AccountError || error instanceof EnvError || error instanceof DataDirLockedError) {
    console.error(error.message);
  } else {
    console.error('Lỗi / Error:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
