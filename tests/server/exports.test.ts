import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import type { Change } from '../../src/shared/sync.ts';
import { SKILL_CODES } from '../../src/shared/skills.ts';
import type { TotalsAnswer } from '../../src/shared/totals.ts';
import { uuidv7 } from '../../src/shared/ids.ts';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createTeam, createUser, hamlet, household, person, visit, type TestUser } from '../support/server-fixtures.ts';

const A = '14845';
const PERIOD = 'from=2026-11-01&to=2026-11-30';
const HOUSEHOLDS = 1200;

let testDb: TestDatabase;
let app: FastifyInstance;
let coordinator: TestUser;
let answer: TotalsAnswer;

/** Parses our CSV (RFC 4180 quoting, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field.replace(/\r$/, '')); rows.push(row); row = []; field = ''; }
    else field += c;
  }
  return rows;
}

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000, aggregateInBackground: false });
  const team = await createTeam(testDb.database, A);
  const volunteer = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: team });
  coordinator = await createUser(app, testDb.database, 'coordinator', { kind: 'commune', code: A });
  const hamlets = [hamlet(A, { name: 'Thôn Đông' }), hamlet(A, { name: 'Bản Áng' })];
  const changes: Change[] = hamlets.map((h) => ({ entity: 'hamlet', baseVersion: 0, record: h }) as Change);
  for (let i = 0; i < HOUSEHOLDS; i++) {
    const h = hamlets[i % 2]!;
    // One head of household writes like a formula: the CSV must not hand it to a spreadsheet as one.
    const hh = household(h, { headName: i === 7 ? '=1+1 Lò Văn Tèo' : `Hà Thị ${String.fromCharCode(65 + (i % 26))} ${i}`, createdAt: '2026-10-01T08:00:00.000+07:00' });
    const p = person(hh, { createdAt: '2026-10-01T08:00:00.000+07:00' });
    const outcomes = i % 3 === 0 ? SKILL_CODES.map((skill) => ({ personId: p.id, skill, outcome: 'proficient' as const, subSkills: [] })) : [];
    changes.push(
      { entity: 'household', baseVersion: 0, record: hh } as Change,
      { entity: 'person', baseVersion: 0, record: p } as Change,
      { entity: 'visit', baseVersion: null, record: visit(hh, volunteer.id, { visitedAt: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T09:00:00.000+07:00`, outcomes, followUpOn: i % 5 === 0 ? '2026-11-20' : null }) } as Change,
    );
  }
  for (let i = 0; i < changes.length; i += 500) {
    const res = await app.inject({ method: 'POST', url: '/api/sync/push', headers: volunteer.auth, payload: { deviceId: `device-${uuidv7()}`, changes: changes.slice(i, i + 500) } });
    expect(res.statusCode).toBe(200);
  }
  // Each request catches the aggregates up for a bounded time; ask until the answer reflects every change.
  do {
    const res = await app.inject({ method: 'GET', url: `/api/reports/totals?kind=commune&id=${A}&${PERIOD}`, headers: coordinator.auth });
    answer = res.json() as TotalsAnswer;
  } while (answer.seq < answer.latestSeq);
  expect(answer.totals.households).toBe(HOUSEHOLDS);
}, 300_000);
afterAll(async () => {
  await app.close();
  await testDb.close();
});

const get = (query: string) => app.inject({ method: 'GET', url: `/api/reports/export?kind=commune&id=${A}&${PERIOD}&${query}`, headers: coordinator.auth });

describe('CSV export', () => {
  it('starts with a BOM and the stamp, then the node and its children with the API\'s numbers', async () => {
    const res = await get('format=csv');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="tung-nha-tong-hop-commune-14845-2026-11-01-2026-11-30\.csv"$/);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(res.body.slice(1));
    expect(rows[0]![0]).toBe('BÁO CÁO KẾT QUẢ PHỔ CẬP KỸ NĂNG SỐ CƠ BẢN CHO NGƯỜI DÂN');
    const stamp = Object.fromEntries(rows.slice(1, 7).map((r) => [r[0], r[1]]));
    expect(stamp['Đơn vị']).toBe('Xã Mường Lát');
    expect(Number(stamp['Số thứ tự thay đổi (seq)'])).toBe(answer.seq);
    expect(Number(stamp['Thiết bị chưa đồng bộ quá 7 ngày'])).toBe(answer.staleDevices);
    const header = rows[8]!;
    const node = rows[9]!;
    const col = (name: string) => Number(node[header.indexOf(name)]);
    expect(col('Hộ đăng ký')).toBe(answer.totals.households);
    expect(col('Hộ đạt mục tiêu')).toBe(answer.totals.atTarget);
    expect(col('Lượt thăm trong kỳ')).toBe(answer.totals.visits);
    expect(col('Dịch vụ công - thành thạo')).toBe(answer.totals.skills[0]!.proficient);
    expect(col('Tỷ lệ hộ đạt (%)')).toBeCloseTo((100 * answer.totals.atTarget) / answer.totals.households, 1);
    expect(rows.slice(10).filter((r) => r.length > 1).map((r) => r[0])).toEqual(answer.children.map((c) => c.node.name));
  });

  it('writes one row per household, hamlet by hamlet in Vietnamese order, whose figures add up to the totals', async () => {
    const res = await get('format=csv&rows=households');
    const rows = parseCsv(res.body.slice(1));
    const header = rows[8]!;
    const data = rows.slice(9).filter((r) => r.length > 1);
    expect(data).toHaveLength(HOUSEHOLDS);
    const hamletCol = header.indexOf('Thôn, tổ dân phố');
    expect(data[0]![hamletCol]).toBe('Bản Áng');
    expect(data.at(-1)![hamletCol]).toBe('Thôn Đông');
    const sum = (name: string) => data.reduce((n, r) => n + Number(r[header.indexOf(name)]), 0);
    expect(sum('Đạt mục tiêu (1 = đạt)')).toBe(answer.totals.atTarget);
    expect(sum('Lượt thăm trong kỳ')).toBe(answer.totals.visits);
    expect(sum('Số người')).toBe(answer.totals.people);
    expect(data.some((r) => r[header.indexOf('Chủ hộ')] === "'=1+1 Lò Văn Tèo")).toBe(true);
  });
});

describe('XLSX export', () => {
  it('streams a workbook whose cells hold numbers equal to the API\'s, under the stamp', async () => {
    const res = await get('format=xlsx');
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.name).toBe('Tổng hợp');
    expect(sheet.getCell('A5').value).toBe('Thời điểm lập');
    expect(String(sheet.getCell('B5').value)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(sheet.getCell('B6').value).toBe(answer.seq);
    expect(sheet.getCell('B7').value).toBe(answer.staleDevices);
    const header = (sheet.getRow(9).values as unknown[]).slice(1);
    const node = (sheet.getRow(10).values as unknown[]).slice(1);
    expect(node[0]).toBe('Xã Mường Lát');
    expect(node[header.indexOf('Hộ đăng ký')]).toBe(answer.totals.households);
    expect(typeof node[header.indexOf('Hộ đạt mục tiêu')]).toBe('number');
    expect(node[header.indexOf('Hộ đạt mục tiêu')]).toBe(answer.totals.atTarget);
  });

  it('streams one row per household', async () => {
    const res = await get('format=xlsx&rows=households');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.name).toBe('Danh sách hộ');
    expect(sheet.actualRowCount).toBe(9 + HOUSEHOLDS - 1); // 7 stamp rows, a blank row (not counted), the header
    const header = (sheet.getRow(9).values as unknown[]).slice(1);
    let atTarget = 0;
    for (let r = 10; r < 10 + HOUSEHOLDS; r++) atTarget += Number(sheet.getRow(r).getCell(header.indexOf('Đạt mục tiêu (1 = đạt)') + 1).value);
    expect(atTarget).toBe(answer.totals.atTarget);
  });
});

describe('A4 report', () => {
  it('is laid out like an official letter, with vi-VN numbers and the stamp', async () => {
    const res = await get('format=a4');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body;
    expect(html).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(html).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(html).toMatch(/Mường Lát, ngày \d{2} tháng \d{2} năm \d{4}/);
    expect(html).toContain('Kỳ báo cáo: từ ngày 01/11/2026 đến ngày 30/11/2026');
    expect(html).toContain(`<td class="n">${new Intl.NumberFormat('vi-VN').format(answer.totals.households)}</td>`);
    expect(html).toContain(`phản ánh các thay đổi đến số ${new Intl.NumberFormat('vi-VN').format(answer.seq)}`);
    expect(html).toContain('@page { size: A4 portrait');
    expect(html).not.toMatch(/<(link|img|iframe)\b|src="http/);
  });

  it('carries its own policy that allows only its inline style and print button', async () => {
    const res = await get('format=a4');
    const policy = String(res.headers['content-security-policy']);
    expect(policy).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; script-src 'sha256-[A-Za-z0-9+/=]+'/);
    const { createHash } = await import('node:crypto');
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)![1]!;
    expect(policy).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });
});
