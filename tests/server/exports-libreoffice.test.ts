/**
 * The XLSX export opens in LibreOffice (Debian's libreoffice-calc, installed by .ci/run) and its numbers equal the
 * API's. LibreOffice converts the workbook to CSV (UTF-8, per STACK.md's filter options, with its own profile), and
 * the CSV is compared with GET /api/reports/totals. Without LibreOffice this test fails: it never skips.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Change } from '../../src/shared/sync.ts';
import { SKILL_CODES } from '../../src/shared/skills.ts';
import type { Totals, TotalsAnswer } from '../../src/shared/totals.ts';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createTeam, createUser, hamlet, household, person, visit, type TestUser } from '../support/server-fixtures.ts';

const A = '14845';
const QUERY = `kind=commune&id=${A}&from=2026-11-01&to=2026-11-30`;

let testDb: TestDatabase;
let app: FastifyInstance;
let coordinator: TestUser;
let work: string;

function soffice(): string {
  for (const candidate of ['soffice', 'libreoffice']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${candidate}`], { encoding: 'utf8' }).trim();
      if (found !== '') return found;
    } catch {
      // not this one
    }
  }
  throw new Error(
    'LibreOffice (soffice) is not installed, so the XLSX export cannot be checked: ' +
      'apt-get install -y --no-install-recommends libreoffice-calc (.ci/run installs it).',
  );
}

/** LibreOffice's CSV: comma-separated, double quotes, one record per line (trailing empty cells dropped). */
function parseCsv(text: string): string[][] {
  return text.split(/\r?\n/).filter((l) => l !== '').map((line) => {
    const cells: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') { field += '"'; i++; }
        else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') { cells.push(field); field = ''; }
      else field += c;
    }
    cells.push(field);
    // LibreOffice pads every record to the widest row.
    while (cells.length > 0 && cells.at(-1) === '') cells.pop();
    return cells;
  });
}

beforeAll(async () => {
  soffice();
  work = mkdtempSync(join(tmpdir(), 'tn-lo-'));
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 10_000, aggregateInBackground: false });
  const team = await createTeam(testDb.database, A);
  const volunteer = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId: team });
  coordinator = await createUser(app, testDb.database, 'coordinator', { kind: 'commune', code: A });
  const hamlets = [hamlet(A, { name: 'Thôn Đồng Tâm' }), hamlet(A, { name: 'Bản Xa Lung' })];
  const changes: Change[] = hamlets.map((h) => ({ entity: 'hamlet', baseVersion: 0, record: h }) as Change);
  for (let i = 0; i < 40; i++) {
    const hh = household(hamlets[i % 2]!, { createdAt: '2026-10-01T08:00:00.000+07:00' });
    const p = person(hh, { createdAt: '2026-10-01T08:00:00.000+07:00' });
    const outcomes = SKILL_CODES.slice(0, 1 + (i % 5)).map((skill, k) => ({ personId: p.id, skill, outcome: k % 2 === 0 ? 'proficient' as const : 'guided' as const, subSkills: [] }));
    changes.push(
      { entity: 'household', baseVersion: 0, record: hh } as Change,
      { entity: 'person', baseVersion: 0, record: p } as Change,
      { entity: 'visit', baseVersion: null, record: visit(hh, volunteer.id, { visitedAt: `2026-11-${String(1 + i % 20).padStart(2, '0')}T10:00:00.000+07:00`, outcomes }) } as Change,
    );
  }
  const res = await app.inject({ method: 'POST', url: '/api/sync/push', headers: volunteer.auth, payload: { deviceId: 'device-lo-0001', changes } });
  expect(res.statusCode).toBe(200);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await testDb?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const NUMBER_COLUMNS: [string, (t: Totals) => number][] = [
  ['Hộ đăng ký', (t) => t.households],
  ['Hộ được thăm trong kỳ', (t) => t.visitedHouseholds],
  ['Hộ đạt mục tiêu', (t) => t.atTarget],
  ['Số người', (t) => t.people],
  ['Lượt thăm trong kỳ', (t) => t.visits],
  ['Hộ đến hẹn thăm lại', (t) => t.followUpsDue],
  ['Thành viên đi thăm trong kỳ', (t) => t.activeVolunteers],
  ['Dịch vụ công - thành thạo', (t) => t.skills[0]!.proficient],
  ['Mua sắm - đã hướng dẫn', (t) => t.skills[1]!.guided],
  ['Nền tảng khác - thành thạo', (t) => t.skills[4]!.proficient],
];

describe('the XLSX export in LibreOffice', () => {
  it('opens, and every number LibreOffice reads equals the API\'s', async () => {
    const answer = (await app.inject({ method: 'GET', url: `/api/reports/totals?${QUERY}`, headers: coordinator.auth })).json() as TotalsAnswer;
    expect(answer.totals.households).toBe(40);
    const file = await app.inject({ method: 'GET', url: `/api/reports/export?${QUERY}&format=xlsx`, headers: coordinator.auth });
    expect(file.statusCode).toBe(200);
    const xlsx = join(work, 'tong-hop.xlsx');
    writeFileSync(xlsx, file.rawPayload);

    execFileSync(soffice(), [
      `-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--norestore',
      '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,1',
      '--outdir', join(work, 'out'), xlsx,
    ], { stdio: 'pipe', timeout: 120_000 });
    const csvName = readdirSync(join(work, 'out')).find((f) => f.endsWith('.csv'));
    expect(csvName, 'LibreOffice wrote no CSV').toBeDefined();
    const rows = parseCsv(readFileSync(join(work, 'out', csvName!), 'utf8'));

    expect(rows[1]).toEqual(['Đơn vị', 'Xã Mường Lát']);
    expect(Number(rows[5]![1])).toBe(answer.seq);
    const header = rows.find((r) => r[0] === 'Đơn vị' && r.length > 2)!;
    const byName = new Map(rows.filter((r) => r.length === header.length && r !== header).map((r) => [r[0], r]));
    for (const [node, totals] of [[answer.node.name, answer.totals] as const, ...answer.children.map((c) => [c.node.name, c.totals] as const)]) {
      const row = byName.get(node);
      expect(row, `LibreOffice's CSV has no row for ${node}`).toBeDefined();
      for (const [column, pick] of NUMBER_COLUMNS) {
        expect(Number(row![header.indexOf(column)]), `${node} / ${column}`).toBe(pick(totals));
      }
      const rate = row![header.indexOf('Tỷ lệ hộ đạt (%)')];
      if (totals.atTargetRate === null) expect(rate).toBe('');
      else expect(Number(rate)).toBeCloseTo(totals.atTargetRate * 100, 1);
    }
  }, 180_000);
});
