/**
 * Demo data for a first look: on an empty database (no accounts), `npm start` creates a community digital team in
 * Xã Pù Luông (Thanh Hóa, commune 14956), five accounts (admin, coordinator, team leader, two volunteers) sharing one
 * demo password, four hamlets (bản) and a few households with members. DEMO=0 turns it off — do that for a real
 * deployment, or reset the demo passwords with `npm run admin -- reset-password`.
 */
import { uuidv7 } from '../../shared/ids.ts';
import { recordSchemas, type Hamlet, type Household, type Person } from '../../shared/records.ts';
import type { AppDb } from '../db/client.ts';
import { teamsRepository, usersRepository } from '../db/users.ts';
import { lockWriters, recordsRepository, type RecordWrite } from '../db/records.ts';
import type { Role } from '../db/schema.ts';
import { createAccount, type ScopeSpec } from './accounts.ts';
import { contentHash } from './content-hash.ts';
import { memberInputSchema, type MemberInput } from '../../shared/roster.ts';
import { rosterRepository } from '../db/roster.ts';
import { createCccdCipher } from './cccd-crypto.ts';

/** The demo team's roster: fake CCCD numbers born in Thanh Hóa (038), agreeing with each birth year and sex. */
export const DEMO_TEAM_MEMBERS: MemberInput[] = [
  { fullName: 'Lò Văn Thắng', cccd: '038088004512', phone: '0900000003', birthYear: 1988, sex: 'male', affiliation: 'youth-union', role: 'leader' },
  { fullName: 'Hà Văn Minh', cccd: '038095003817', phone: '0900000004', birthYear: 1995, sex: 'male', affiliation: 'youth-union', role: 'member' },
  { fullName: 'Lương Thị Hoa', cccd: '038199006241', phone: '0900000005', birthYear: 1999, sex: 'female', affiliation: 'women-union', role: 'member' },
  { fullName: 'Phạm Văn Long', cccd: '038079001133', phone: '0900000006', birthYear: 1979, sex: 'male', affiliation: 'commune-police', role: 'member' },
  { fullName: 'Vi Thị Lan', cccd: '038301002946', phone: '0900000007', birthYear: 2001, sex: 'female', affiliation: 'school', role: 'member' },
];

export const DEMO_PASSWORD = 'tungnha2026';
export const DEMO_PROVINCE = '38';
export const DEMO_COMMUNE = '14956';
export const DEMO_COMMUNE_NAME = 'Xã Pù Luông, tỉnh Thanh Hóa';

export interface DemoAccount {
  phone: string;
  name: string;
  role: Role;
  label: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { phone: '0900000001', name: 'Quản trị Demo', role: 'admin', label: 'Quản trị / Admin' },
  { phone: '0900000002', name: 'Hà Thị Thu', role: 'coordinator', label: 'Điều phối tỉnh / Province coordinator' },
  { phone: '0900000003', name: 'Lò Văn Thắng', role: 'team-leader', label: 'Tổ trưởng / Team leader' },
  { phone: '0900000004', name: 'Hà Văn Minh', role: 'volunteer', label: 'Tình nguyện viên / Volunteer' },
  { phone: '0900000005', name: 'Lương Thị Hoa', role: 'volunteer', label: 'Tình nguyện viên / Volunteer' },
];

const HAMLETS = ['Bản Đôn', 'Bản Hiêu', 'Bản Kho Mường', 'Bản Son'];
const HOUSEHOLDS: { hamlet: number; head: string; address: string; members: [string, number, 'female' | 'male', Person['relation']][] }[] = [
  { hamlet: 0, head: 'Hà Văn Khuyên', address: 'Nhà số 3, Bản Đôn', members: [['Hà Văn Khuyên', 1968, 'male', 'head'], ['Lò Thị Dung', 1971, 'female', 'spouse'], ['Hà Thị Ngân', 1996, 'female', 'child']] },
  { hamlet: 0, head: 'Lương Thị Nga', address: 'Gần nhà văn hóa Bản Đôn', members: [['Lương Thị Nga', 1955, 'female', 'head'], ['Hà Văn Tùng', 1990, 'male', 'child']] },
  { hamlet: 1, head: 'Vi Văn Đức', address: 'Bản Hiêu, dưới thác', members: [['Vi Văn Đức', 1979, 'male', 'head'], ['Hà Thị Liên', 1982, 'female', 'spouse']] },
  { hamlet: 2, head: 'Lò Văn Pấng', address: 'Bản Kho Mường', members: [['Lò Văn Pấng', 1960, 'male', 'head'], ['Lò Thị Xuân', 2003, 'female', 'grandchild']] },
  { hamlet: 3, head: 'Hà Thị Phượng', address: 'Bản Son, đầu dốc', members: [['Hà Thị Phượng', 1985, 'female', 'head']] },
];

/** Seeds when no account exists; returns true when it did. */
/** `cccdKey`: the server's CCCD key; with it the demo team gets its member list (CCCDs are stored encrypted). */
export async function seedDemoIfEmpty(db: AppDb, options: { cccdKey?: Buffer | null } = {}): Promise<boolean> {
  if ((await usersRepository(db).count()) > 0) return false;
  const team = await teamsRepository(db).create({
    id: uuidv7(), name: 'Tổ công nghệ số cộng đồng xã Pù Luông', provinceCode: DEMO_PROVINCE, communeCode: DEMO_COMMUNE,
  });
  const scopes: Record<Role, ScopeSpec> = {
    admin: { kind: 'all' },
    coordinator: { kind: 'province', code: DEMO_PROVINCE },
    'team-leader': { kind: 'team', teamId: team.id },
    volunteer: { kind: 'team', teamId: team.id },
  };
  let authorId = '';
  for (const a of DEMO_ACCOUNTS) {
    const user = await createAccount(db, { phone: a.phone, name: a.name, role: a.role, password: DEMO_PASSWORD, scope: scopes[a.role] });
    if (a.role === 'team-leader') authorId = user.id;
  }

  const now = new Date().toISOString();
  const writes: RecordWrite[] = [];
  const add = (entity: 'hamlet' | 'household' | 'person', raw: Hamlet | Household | Person, area = { provinceCode: DEMO_PROVINCE, communeCode: DEMO_COMMUNE }) => {
    const record = recordSchemas[entity].parse(raw) as unknown as Record<string, unknown>;
    writes.push({
      entity, id: String(record.id), ...area, version: 1, deleted: false, contentHash: contentHash(record),
      data: { ...record, version: 1 }, updatedBy: authorId,
    });
  };
  const hamlets = HAMLETS.map((name) => ({ id: uuidv7(), provinceCode: DEMO_PROVINCE, communeCode: DEMO_COMMUNE, name, version: 1, deleted: false, updatedAt: now }));
  for (const h of hamlets) add('hamlet', h);
  for (const spec of HOUSEHOLDS) {
    const hh: Household = {
      id: uuidv7(), provinceCode: DEMO_PROVINCE, communeCode: DEMO_COMMUNE, hamletId: hamlets[spec.hamlet % hamlets.length]?.id ?? '',
      headName: spec.head, address: spec.address, phone: null, note: '', version: 1, deleted: false, createdAt: now, updatedAt: now,
    };
    add('household', hh);
    for (const [fullName, birthYear, sex, relation] of spec.members) {
      add('person', { id: uuidv7(), householdId: hh.id, fullName, birthYear, sex, relation, version: 1, deleted: false, createdAt: now, updatedAt: now });
    }
  }
  await db.transaction(async (tx) => {
    await lockWriters(tx);
    await recordsRepository(tx).upsert(writes);
  });
  if (options.cccdKey) {
    const cipher = createCccdCipher(options.cccdKey);
    await rosterRepository(db).insertMembers(
      DEMO_TEAM_MEMBERS.map((input) => {
        const m = memberInputSchema.parse(input);
        const id = uuidv7();
        return {
          id, teamId: team.id, communeCode: DEMO_COMMUNE, fullName: m.fullName, cccdCipher: cipher.encrypt(m.cccd, id),
          cccdHmac: cipher.hmac(m.cccd), phone: m.phone, birthYear: m.birthYear, sex: m.sex, affiliation: m.affiliation, role: m.role,
        };
      }),
      authorId,
    );
  }
  return true;
}

/** True when the demo admin account exists (the demo logins are worth printing). */
export async function hasDemoAccounts(db: AppDb): Promise<boolean> {
  const admin = DEMO_ACCOUNTS.find((a) => a.role === 'admin');
  return admin !== undefined && (await usersRepository(db).findByPhone(admin.phone)) !== undefined;
}
