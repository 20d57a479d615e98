import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createUser, hamlet, type TestUser } from '../support/server-fixtures.ts';
import { parseCsv } from '../../src/server/services/imports.ts';
import type { Hamlet } from '../../src/shared/records.ts';

const A = '14956';
const B = '00004';
const KEY = randomBytes(32);
const BOM = '\uFEFF';

let testDb: TestDatabase;
let app: FastifyInstance;
let admin: TestUser;
let coordA: TestUser;
let coordB: TestUser;
let leaderA: TestUser;
let volunteerA: TestUser;
let volunteerOther: TestUser;
let teamA: string;
let hamletA: Hamlet;

const as = (user: TestUser, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: user.auth, ...(payload === undefined ? {} : { payload: payload as object }) });

const file = (content: string | Buffer, fileName = 'danh-sach.csv') => ({
  fileName,
  content: (typeof content === 'string' ? Buffer.from(content, 'utf8') : content).toString('base64'),
});

const membersUrl = (step: 'preview' | 'commit', team = teamA) => `/api/teams/${team}/imports/members/${step}`;
const householdsUrl = (step: 'preview' | 'commit', h = hamletA.id) => `/api/hamlets/${h}/imports/households/${step}`;

async function memberCount(teamId: string): Promise<number> {
  const rows = await testDb.database.query<{ n: number }>('SELECT count(*)::int AS n FROM team_members WHERE team_id = $1', [teamId]);
  return rows[0]!.n;
}

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000, cccdKey: KEY });
  admin = await createUser(app, testDb.database, 'admin', { kind: 'all' });
  coordA = await createUser(app, testDb.database, 'coordinator', { kind: 'commune', code: A });
  coordB = await createUser(app, testDb.database, 'coordinator', { kind: 'commune', code: B });
  const created = await as(coordA, 'POST', '/api/teams', { name: 'Tổ Pù Luông', communeCode: A });
  teamA = created.json().team.id;
  leaderA = await createUser(app, testDb.database, 'team-leader', { kind: 'team', teamId: teamA });
  volunteerA = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: teamA });
  const teamB = await as(admin, 'POST', '/api/teams', { name: 'Tổ Ba Đình', communeCode: B });
  volunteerOther = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: teamB.json().team.id });
  hamletA = hamlet(A, { name: 'Bản Đôn' });
  const push = await as(admin, 'POST', '/api/sync/push', { deviceId: 'device-imports', changes: [{ entity: 'hamlet', baseVersion: 0, record: hamletA }] });
  expect(push.json().results[0].status).toBe('applied');
});

afterAll(async () => {
  await app.close();
  await testDb.close();
});

describe('reading CSV', () => {
  it('splits on semicolons or commas, keeps quoted delimiters, quotes and line breaks, and drops a BOM', () => {
    expect(parseCsv(`${BOM}Họ và tên;Ghi chú\r\nLò Văn A;"có ; dấu, phẩy"\r\n`)).toEqual([['Họ và tên', 'Ghi chú'], ['Lò Văn A', 'có ; dấu, phẩy']]);
    expect(parseCsv('a,b\n"x ""y""","dòng 1\ndòng 2"')).toEqual([['a', 'b'], ['x "y"', 'dòng 1\ndòng 2']]);
  });
});

describe('member import', () => {
  const header = 'Họ và tên,Số CCCD,Số điện thoại,Năm sinh,Giới tính,Đơn vị,Vai trò';

  it('previews a file and lists every bad row with its row number, column and reason', async () => {
    const csv = [
      header,
      'Lò Văn Thắng,038088004512,0912345678,1988,Nam,Đoàn thanh niên,Tổ trưởng', // row 2: good
      'Hà Văn Minh,03809500381,0912345679,1995,Nam,Đoàn thanh niên,Thành viên', // row 3: 11 digits
      'Lương Thị Hoa,038199006241,0912345680,1998,Nữ,Hội LHPN,Thành viên', // row 4: birth year disagrees
      'Phạm Văn Long,038079001133,abc,1979,Nam,Quân đội,Thành viên', // row 5: phone and affiliation
      ',038301002946,0912345681,2001,Nữ,Trường học,', // row 6: no name
      'Lò Văn Thắng,038088004512,0912345678,1988,Nam,Đoàn thanh niên,', // row 7: same CCCD as row 2
    ].join('\n');
    const res = await as(leaderA, 'POST', membersUrl('preview'), file(csv));
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json();
    expect(preview).toMatchObject({ kind: 'members', format: 'csv', rowCount: 6, recordCount: 1 });
    expect(preview.errors).toEqual([
      { row: 3, field: 'cccd', column: 'Số CCCD', key: 'cccdFormat' },
      { row: 4, field: 'cccd', column: 'Số CCCD', key: 'cccdBirthYear' },
      { row: 5, field: 'affiliation', column: 'Đơn vị', key: 'importUnknownAffiliation' },
      { row: 5, field: 'phone', column: 'Số điện thoại', key: 'phoneInvalid' },
      { row: 6, field: 'fullName', column: 'Họ và tên', key: 'required' },
      { row: 7, field: 'cccd', column: 'Số CCCD', key: 'cccdDuplicateInFile' },
    ]);
    expect(preview.sample).toEqual([{ row: 2, cells: ['Lò Văn Thắng', '038******512', '0912•••678', '1988', 'male', 'youth-union', 'leader'] }]);
    expect(res.body).not.toContain('038088004512');
  });

  it('refuses to commit while any row is bad, and stores nothing', async () => {
    const csv = `${header}\nLò Văn Thắng,038088004512,0912345678,1988,Nam,Đoàn thanh niên,Tổ trưởng\nHà Văn Minh,1,0912345679,,,Đoàn thanh niên,\n`;
    const res = await as(leaderA, 'POST', membersUrl('commit'), file(csv));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'import.invalid-rows' });
    expect(await memberCount(teamA)).toBe(0);
  });

  it('says which required column a file lacks', async () => {
    const res = await as(leaderA, 'POST', membersUrl('preview'), file('Họ và tên;Số điện thoại\nLò Văn A;0912345678\n'));
    expect(res.json().errors).toEqual([
      { row: 1, field: 'cccd', column: 'Số CCCD', key: 'importColumnMissing' },
      { row: 1, field: 'affiliation', column: 'Đơn vị', key: 'importColumnMissing' },
    ]);
  });

  it('imports a clean CSV saved by Excel: BOM, semicolons, CRLF, other headings and lost leading zeros', async () => {
    const csv = `${BOM}HỌ TÊN;CCCD;SĐT;Năm sinh;Giới tính;Đơn vị;Vai trò\r\n` +
      'Lò Văn Thắng;038088004512;0912345678;1988;Nam;Đoàn thanh niên;Tổ trưởng\r\n' +
      ';;;;;;\r\n' +
      'Hà Văn Minh;38095003817;912 345 679;1995;nam;đoàn thanh niên;thành viên\r\n';
    const preview = await as(leaderA, 'POST', membersUrl('preview'), file(csv));
    expect(preview.json()).toMatchObject({ errors: [], rowCount: 2, recordCount: 2 });
    expect(preview.json().warnings).toEqual([{ row: 4, field: 'cccd', column: 'CCCD', key: 'cccdZeroRestored' }]);
    const commit = await as(leaderA, 'POST', membersUrl('commit'), file(csv));
    expect(commit.statusCode, commit.body).toBe(200);
    expect(commit.json()).toMatchObject({ kind: 'members', recordCount: 2 });
    const team = await as(leaderA, 'GET', `/api/teams/${teamA}`);
    expect((team.json().members as { cccd: string }[]).map((m) => m.cccd).sort()).toEqual(['038******512', '038******817']);
  });

  it('refuses the same file twice: its CCCDs are already on the commune’s list', async () => {
    const csv = `${header}\nLò Văn Thắng,038088004512,0912345678,1988,Nam,Đoàn thanh niên,Tổ trưởng\n`;
    const res = await as(leaderA, 'POST', membersUrl('preview'), file(csv));
    expect(res.json().errors).toEqual([{ row: 2, field: 'cccd', column: 'Số CCCD', key: 'cccdDuplicate' }]);
    expect((await as(leaderA, 'POST', membersUrl('commit'), file(csv))).statusCode).toBe(422);
  });

  it('imports an XLSX file, numbers and all', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Tổ');
    sheet.addRow(['Họ và tên', 'Số CCCD', 'Số điện thoại', 'Năm sinh', 'Giới tính', 'Đơn vị', 'Vai trò']);
    sheet.addRow(['Vi Thị Lan', '038301002946', '0900000007', 2001, 'Nữ', 'Trường học', 'Thành viên']);
    sheet.addRow(['Phạm Văn Long', 38079001133, 900000006, 1979, 'Nam', 'Công an xã', null]);
    sheet.addRow([{ richText: [{ text: 'Đinh Thị ' }, { text: 'Mai' }] }, '038185007777', '0900000008', { formula: '1900+85', result: 1985 }, 'Nữ', 'Khác', 'Thành viên']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const preview = await as(coordA, 'POST', membersUrl('preview'), file(bytes, 'to.xlsx'));
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ format: 'xlsx', errors: [], recordCount: 3 });
    expect((preview.json().sample as { cells: string[] }[]).map((s) => s.cells[0])).toEqual(['Vi Thị Lan', 'Phạm Văn Long', 'Đinh Thị Mai']);
    const before = await memberCount(teamA);
    const commit = await as(coordA, 'POST', membersUrl('commit'), file(bytes, 'to.xlsx'));
    expect(commit.statusCode, commit.body).toBe(200);
    expect(await memberCount(teamA)).toBe(before + 3);
    const audit = await testDb.database.query<{ detail: { fileName: string; members: number } }>(
      "SELECT detail FROM roster_audit WHERE action = 'import.members' AND user_id = $1", [coordA.id],
    );
    expect(audit.map((a) => a.detail)).toEqual([{ fileName: 'to.xlsx', members: 3 }]);
  });

  it('refuses a volunteer and a coordinator of another commune', async () => {
    const csv = `${header}\nLò Văn Tám,038090001122,0912345670,1990,Nam,Khác,\n`;
    for (const user of [volunteerA, coordB]) {
      const res = await as(user, 'POST', membersUrl('preview'), file(csv));
      expect(res.statusCode).toBe(403);
      expect((await as(user, 'POST', membersUrl('commit'), file(csv))).statusCode).toBe(403);
    }
  });

  it('answers 401 without a token', async () => {
    const res = await app.inject({ method: 'POST', url: membersUrl('preview'), payload: file(header) });
    expect(res.statusCode).toBe(401);
  });
});

describe('files that cannot be imported', () => {
  it('refuses a CSV that is not UTF-8 with 422 import.unreadable-file', async () => {
    const latin1 = Buffer.from('Họ và tên,Số CCCD\nLê Văn A,038088004512\n', 'latin1');
    const res = await as(leaderA, 'POST', membersUrl('preview'), file(latin1));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'import.unreadable-file' });
  });

  it('refuses a damaged XLSX with 422 import.unreadable-file', async () => {
    const res = await as(leaderA, 'POST', membersUrl('preview'), file(Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(2000)]), 'x.xlsx'));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'import.unreadable-file' });
  });

  it('refuses a file over 5 MB with 413 request.too-large', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 10, 0x41);
    const res = await as(leaderA, 'POST', membersUrl('preview'), file(big));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'request.too-large' });
    const huge = await as(leaderA, 'POST', membersUrl('preview'), { fileName: 'x.csv', content: 'QUFB'.repeat(2_000_000) });
    expect(huge.statusCode).toBe(413);
  });

  it('refuses content that is not base64 and a header with no rows, as 4xx', async () => {
    const notBase64 = await as(leaderA, 'POST', membersUrl('preview'), { fileName: 'x.csv', content: '%%%' });
    expect(notBase64.statusCode).toBe(400);
    expect(notBase64.json().fields).toEqual({ content: 'importUnreadable' });
    const empty = await as(leaderA, 'POST', membersUrl('preview'), file('Họ và tên,Số CCCD,Số điện thoại,Đơn vị\n'));
    expect(empty.json().errors).toEqual([{ row: 2, field: '', column: '', key: 'importNoRows' }]);
  });
});

describe('household import', () => {
  const header = 'Mã hộ;Họ và tên;Quan hệ với chủ hộ;Năm sinh;Giới tính;Địa chỉ;Số điện thoại;Ghi chú';
  const clean = `${BOM}${header}\r\n` +
    '1;Hà Văn Khuyên;Chủ hộ;1968;Nam;Nhà số 3, Bản Đôn;0912000111;\r\n' +
    '1;Lò Thị Dung;Vợ/chồng;1971;Nữ;;;\r\n' +
    '2;Lương Thị Nga;Chủ hộ;1955;Nữ;Gần nhà văn hóa;;"hay đi nương; chiều mới về"\r\n' +
    '2;Hà Văn Tùng;Con;1990;Nam;;;\r\n';

  it('lists households without a head, with two heads, and bad cells', async () => {
    const csv = `${header}\n` +
      '1;Hà Văn Khuyên;Chủ hộ;1968;Nam;Bản Đôn;;\n' + // row 2
      '1;Lò Thị Dung;Chủ hộ;1971;Nữ;;;\n' + // row 3: a second head
      '2;Lương Thị Nga;Con;1955;Nữ;;;\n' + // row 4: household 2 has no head
      '3;Vi Văn Đức;Chủ hộ;19x9;Nam;;;\n' + // row 5: birth year
      '4;Hà Thị Liên;Cháu ngoại;1982;Nữ;;;\n'; // row 6: no head, a relation word it knows
    const res = await as(coordA, 'POST', householdsUrl('preview'), file(csv));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().errors).toEqual([
      { row: 3, field: 'relation', column: 'Quan hệ với chủ hộ', key: 'householdTwoHeads' },
      { row: 4, field: 'relation', column: 'Quan hệ với chủ hộ', key: 'householdNoHead' },
      { row: 5, field: 'birthYear', column: 'Năm sinh', key: 'birthYear' },
      { row: 6, field: 'relation', column: 'Quan hệ với chủ hộ', key: 'householdNoHead' },
    ]);
    expect((await as(coordA, 'POST', householdsUrl('commit'), file(csv))).statusCode).toBe(422);
  });

  it('imports households as synced records that a volunteer of the commune pulls, and no one else', async () => {
    const preview = await as(leaderA, 'POST', householdsUrl('preview'), file(clean));
    expect(preview.json()).toMatchObject({ errors: [], recordCount: 2, personCount: 4 });
    const commit = await as(leaderA, 'POST', householdsUrl('commit'), file(clean));
    expect(commit.statusCode, commit.body).toBe(200);
    expect(commit.json()).toMatchObject({ kind: 'households', recordCount: 2, personCount: 4, seq: expect.any(Number) });

    const pull = await as(volunteerA, 'GET', '/api/sync/pull?after=0&limit=2000');
    const changes = pull.json().changes as { seq: number; entity: string; record: Record<string, unknown> }[];
    const households = changes.filter((c) => c.entity === 'household').map((c) => c.record);
    expect(households.map((h) => h.headName).sort()).toEqual(['Hà Văn Khuyên', 'Lương Thị Nga']);
    expect(households.find((h) => h.headName === 'Hà Văn Khuyên')).toMatchObject({
      hamletId: hamletA.id, communeCode: A, provinceCode: '38', address: 'Nhà số 3, Bản Đôn', phone: '0912000111', version: 1,
    });
    expect(households.find((h) => h.headName === 'Lương Thị Nga')?.note).toBe('hay đi nương; chiều mới về');
    const people = changes.filter((c) => c.entity === 'person').map((c) => c.record);
    expect(people.map((p) => `${p.fullName}:${p.relation}`).sort()).toEqual(['Hà Văn Khuyên:head', 'Hà Văn Tùng:child', 'Lò Thị Dung:spouse', 'Lương Thị Nga:head']);
    expect(Math.max(...changes.map((c) => c.seq))).toBe(commit.json().seq);

    const elsewhere = await as(volunteerOther, 'GET', '/api/sync/pull?after=0&limit=2000');
    expect((elsewhere.json().changes as { entity: string }[]).filter((c) => c.entity === 'household')).toEqual([]);
  });

  it('refuses importing the same households into the hamlet again', async () => {
    const res = await as(leaderA, 'POST', householdsUrl('preview'), file(clean));
    expect(res.json().errors).toEqual([
      { row: 2, field: 'fullName', column: 'Họ và tên', key: 'householdExists' },
      { row: 4, field: 'fullName', column: 'Họ và tên', key: 'householdExists' },
    ]);
  });

  it('refuses a volunteer, a coordinator of another commune and an unknown hamlet', async () => {
    expect((await as(volunteerA, 'POST', householdsUrl('preview'), file(clean))).statusCode).toBe(403);
    expect((await as(coordB, 'POST', householdsUrl('commit'), file(clean))).statusCode).toBe(403);
    const unknown = await as(admin, 'POST', householdsUrl('preview', '01900000-0000-7000-8000-00000000abcd'), file(clean));
    expect(unknown.statusCode).toBe(404);
  });
});
