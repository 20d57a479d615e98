/**
 * Exports of a totals answer: CSV (UTF-8 with a BOM, so Excel shows Vietnamese), XLSX (exceljs' streaming writer)
 * and a printable A4 page laid out like an official letter (national name and motto, the unit, place and date,
 * the tables, signatures). The one-row-per-household export streams hamlet by hamlet with back-pressure, so its
 * memory stays flat however many households there are.
 *
 * Every export is stamped with the time it was made, the change sequence number it reflects and how many devices
 * in scope have not synced for more than 7 days. Numbers are numbers in CSV and XLSX (dates as ISO text, which
 * every spreadsheet reads the same way) and vi-VN in the A4 page. The words come from locales/<lang>/reports.json
 * and skills.json, like the app's.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { stream as ExcelStream, Worksheet } from 'exceljs';
import { SKILL_CODES, type SkillCode } from '../../shared/skills.ts';
import { isoDay, type ExportLang, type NodeKind, type Totals, type TotalsAnswer } from '../../shared/totals.ts';
import { rawRows, type Executor } from '../db/raw.ts';
import { adminUnits, type Digest, type StatePoint } from './aggregator.ts';
import type { ReportNode } from './totals.ts';

// ---- Words -----------------------------------------------------------------------------------------------------

type FileKey =
  | 'nationalName' | 'motto' | 'title' | 'subtitle' | 'period' | 'placeDate' | 'tableGeneral' | 'tableSkills' | 'tableSelf'
  | 'notes' | 'stamp' | 'preparedBy' | 'approvedBy' | 'signNote' | 'print' | 'sheetSummary' | 'sheetHouseholds'
  | 'stampTime' | 'stampSeq' | 'stampStale' | 'stampUnit' | 'stampFrom' | 'stampTo' | 'kind' | 'code' | 'rate'
  | 'skillGuided' | 'skillProficient' | 'skillSelf';
type MetricKey =
  | 'households' | 'visitedHouseholds' | 'atTarget' | 'atTargetRate' | 'people' | 'visits' | 'followUpsDue' | 'activeVolunteers';
type HouseholdKey =
  | 'hamlet' | 'head' | 'address' | 'registeredOn' | 'members' | 'visitsInPeriod' | 'lastVisitOn' | 'atTarget' | 'proficient'
  | 'followUpOn' | 'volunteer' | 'id';

/** The parts of locales/<lang>/reports.json the files use (the client's i18n types check the same file). */
interface ReportWords {
  kind: Record<NodeKind, string>;
  metric: Record<MetricKey, string>;
  file: Record<FileKey, string> & { household: Record<HouseholdKey, string> };
}

const words = new Map<ExportLang, { reports: ReportWords; skill: Record<SkillCode, string>; skillShort: Record<SkillCode, string> }>();

function wordsOf(lang: ExportLang) {
  let w = words.get(lang);
  if (!w) {
    const read = <T>(ns: string) => JSON.parse(readFileSync(new URL(`../../../locales/${lang}/${ns}.json`, import.meta.url), 'utf8')) as T;
    const skills = read<{ skill: Record<SkillCode, string>; skillShort: Record<SkillCode, string> }>('skills');
    w = { reports: read<ReportWords>('reports'), skill: skills.skill, skillShort: skills.skillShort };
    words.set(lang, w);
  }
  return w;
}

function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? ''));
}

const VN_TIME = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
});
const VN_DATE_PARTS = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' });
const VN_NUMBER = new Intl.NumberFormat('vi-VN');
const VN_PERCENT = new Intl.NumberFormat('vi-VN', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** "2026-11-05" → "05/11/2026" */
function dmy(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
}

/** At-target share as a percentage with one decimal (a number, for CSV/XLSX). */
export function ratePercent(t: Totals): number | null {
  return t.atTargetRate === null ? null : Math.round(t.atTargetRate * 1000) / 10;
}

// ---- The summary table -----------------------------------------------------------------------------------------

export type Cell = string | number | null;

export interface Table {
  header: string[];
  rows: Cell[][];
}

/** The node's row, then its children's: one table for CSV and XLSX. */
export function summaryTable(answer: TotalsAnswer, lang: ExportLang): Table {
  const w = wordsOf(lang);
  const f = w.reports.file;
  const m = w.reports.metric;
  const header = [
    f.stampUnit, f.kind, f.code, m.households, m.visitedHouseholds, m.atTarget, f.rate, m.people, m.visits,
    m.followUpsDue, m.activeVolunteers,
    ...SKILL_CODES.flatMap((s) => [
      fill(f.skillProficient, { skill: w.skillShort[s] }),
      fill(f.skillGuided, { skill: w.skillShort[s] }),
      fill(f.skillSelf, { skill: w.skillShort[s] }),
    ]),
  ];
  const row = (name: string, kind: NodeKind, id: string, t: Totals): Cell[] => [
    name, w.reports.kind[kind], id, t.households, t.visitedHouseholds, t.atTarget, ratePercent(t), t.people, t.visits,
    t.followUpsDue, t.activeVolunteers,
    ...t.skills.flatMap((s) => [s.proficient, s.guided, s.selfReportedAlone]),
  ];
  return {
    header,
    rows: [
      row(answer.node.name, answer.node.kind, answer.node.id, answer.totals),
      ...answer.children.map((c) => row(c.node.name, c.node.kind, c.node.id, c.totals)),
    ],
  };
}

/** The stamp lines every file starts with: unit, period, time, sequence number, stale devices. */
export function stampRows(answer: TotalsAnswer, lang: ExportLang): Cell[][] {
  const f = wordsOf(lang).reports.file;
  return [
    [f.title],
    [f.stampUnit, answer.node.name],
    [f.stampFrom, answer.period.from],
    [f.stampTo, answer.period.to],
    [f.stampTime, answer.generatedAt],
    [f.stampSeq, answer.seq],
    [f.stampStale, answer.staleDevices],
  ];
}

// ---- CSV -------------------------------------------------------------------------------------------------------

const BOM = '\uFEFF';

/** One CSV field: numbers as they are; text quoted when needed and kept from being read as a formula. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  return cells.map(csvField).join(',') + '\r\n';
}

export function summaryCsv(answer: TotalsAnswer, lang: ExportLang): string {
  const table = summaryTable(answer, lang);
  return BOM + [...stampRows(answer, lang), [], table.header, ...table.rows].map(csvLine).join('');
}

/** Waits until the reader has taken what was written (or has gone away). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (out.destroyed) throw new Error('The download was cancelled.');
  if (!out.write(chunk)) await drained(out);
}

// ---- XLSX ------------------------------------------------------------------------------------------------------

type WorkbookWriter = ExcelStream.xlsx.WorkbookWriter;

async function workbook(out: Writable): Promise<WorkbookWriter> {
  // exceljs is large: loaded on the first export, not at server start.
  const { default: ExcelJS } = await import('exceljs');
  return new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
}

function addStamp(sheet: Worksheet, answer: TotalsAnswer, lang: ExportLang): void {
  for (const [i, cells] of stampRows(answer, lang).entries()) {
    const row = sheet.addRow(cells);
    if (i === 0) row.font = { bold: true, size: 13 };
    row.commit();
  }
  sheet.addRow([]).commit();
}

export async function writeSummaryXlsx(out: Writable, answer: TotalsAnswer, lang: ExportLang): Promise<void> {
  const wb = await workbook(out);
  const sheet = wb.addWorksheet(wordsOf(lang).reports.file.sheetSummary, { views: [{ state: 'frozen', ySplit: 9, xSplit: 1 }] });
  sheet.columns = [{ width: 34 }, { width: 22 }, { width: 12 }, ...Array.from({ length: 23 }, () => ({ width: 14 }))];
  addStamp(sheet, answer, lang);
  const table = summaryTable(answer, lang);
  const header = sheet.addRow(table.header);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  header.commit();
  for (const cells of table.rows) sheet.addRow(cells).commit();
  sheet.commit();
  await wb.commit();
}

// ---- One row per household -------------------------------------------------------------------------------------

interface HouseholdLine {
  hamlet: string;
  head: string;
  address: string;
  registeredOn: string;
  members: number;
  visitsInPeriod: number;
  lastVisitOn: string | null;
  atTarget: number;
  proficient: number[];
  followUpOn: string | null;
  volunteer: string;
  id: string;
}

function stateAt(digest: Digest, day: number): StatePoint | null {
  let found: StatePoint | null = null;
  for (const point of digest.s) {
    if (point[0] > day) break;
    found = point;
  }
  return found;
}

/**
 * The households of a node as of the period's end, hamlet by hamlet (hamlets and households in Vietnamese order).
 * A team's or a volunteer's households are those whose latest visit (by then) was theirs.
 */
export async function* householdLines(db: Executor, node: ReportNode, from: number, to: number): AsyncGenerator<HouseholdLine[]> {
  const u = adminUnits();
  const collator = new Intl.Collator('vi');
  const names = new Map<string, string>();
  const communes = node.ref.kind === 'hamlet' ? [] : [...new Set(node.communes.map((c) => c.commune))].sort((a, b) =>
    collator.compare(u.communeName.get(a) ?? a, u.communeName.get(b) ?? b));
  const hamletsOf = async (commune: string) => {
    const rows = await rawRows<{ hamlet_id: string; name: string | null }>(db, sql`
      SELECT h.hamlet_id::text AS hamlet_id, a.name
      FROM (SELECT DISTINCT hamlet_id FROM agg_households WHERE commune_code = ${commune}) h
      LEFT JOIN agg_hamlets a ON a.id = h.hamlet_id`);
    return rows.map((r) => ({ id: r.hamlet_id, name: r.name ?? r.hamlet_id })).sort((a, b) => collator.compare(a.name, b.name));
  };
  const groups: { id: string; name: string }[][] = [];
  if (node.ref.kind === 'hamlet') groups.push([{ id: node.area, name: node.ref.name }]);
  for (const commune of communes) groups.push(await hamletsOf(commune));

  for (const hamlets of groups) {
    for (const hamlet of hamlets) {
      const rows = await rawRows<{ id: string; created_day: number; old_district: string | null; digest: Digest | string; head: string | null; address: string | null }>(db, sql`
        SELECT h.id::text AS id, h.created_day, h.old_district, h.digest, r.data->>'headName' AS head, r.data->>'address' AS address
        FROM agg_households h JOIN records r ON r.entity = 'household' AND r.id = h.id
        WHERE h.hamlet_id = ${hamlet.id}::uuid AND h.digest IS NOT NULL`);
      const lines: HouseholdLine[] = [];
      for (const row of rows) {
        if (node.ref.kind === 'district' && row.old_district !== null && row.old_district !== node.area) continue;
        const digest = typeof row.digest === 'string' ? (JSON.parse(row.digest) as Digest) : row.digest;
        const point = stateAt(digest, to);
        const state = point === null ? null : (point.slice(3) as number[]);
        if (point === null || state === null || state[0] !== 1) continue;
        if (node.ref.kind === 'volunteer' && point[1] !== node.area) continue;
        if (node.ref.kind === 'team' && point[2] !== node.area) continue;
        const past = digest.v.filter(([day]) => day <= to);
        const latest = past.at(-1);
        const volunteerId = point[1];
        lines.push({
          hamlet: hamlet.name,
          head: row.head ?? '',
          address: row.address ?? '',
          registeredOn: isoDay(row.created_day),
          members: state[1] ?? 0,
          visitsInPeriod: past.filter(([day]) => day >= from).length,
          lastVisitOn: latest === undefined ? null : isoDay(latest[0]),
          atTarget: state[2] ?? 0,
          proficient: SKILL_CODES.map((_, i) => state[4 + i] ?? 0),
          followUpOn: latest?.[3] == null ? null : isoDay(latest[3]),
          volunteer: volunteerId ?? '',
          id: row.id,
        });
      }
      const unknown = [...new Set(lines.map((l) => l.volunteer))].filter((v) => v !== '' && !names.has(v));
      if (unknown.length > 0) {
        const found = await rawRows<{ id: string; name: string }>(db, sql`
          SELECT id::text AS id, name FROM users WHERE id IN (SELECT (jsonb_array_elements_text(${JSON.stringify(unknown)}::jsonb))::uuid)`);
        for (const f of found) names.set(f.id, f.name);
      }
      for (const l of lines) l.volunteer = names.get(l.volunteer) ?? '';
      lines.sort((a, b) => collator.compare(a.head, b.head) || a.id.localeCompare(b.id));
      if (lines.length > 0) yield lines;
    }
  }
}

function householdHeader(lang: ExportLang): string[] {
  const w = wordsOf(lang);
  const h = w.reports.file.household;
  return [
    h.hamlet, h.head, h.address, h.registeredOn, h.members, h.visitsInPeriod, h.lastVisitOn, h.atTarget,
    ...SKILL_CODES.map((s) => fill(h.proficient, { skill: w.skillShort[s] })), h.followUpOn, h.volunteer, h.id,
  ];
}

function householdCells(l: HouseholdLine): Cell[] {
  return [
    l.hamlet, l.head, l.address, l.registeredOn, l.members, l.visitsInPeriod, l.lastVisitOn, l.atTarget, ...l.proficient,
    l.followUpOn, l.volunteer, l.id,
  ];
}

export async function writeHouseholdsCsv(
  out: Writable, lines: AsyncIterable<HouseholdLine[]>, answer: TotalsAnswer, lang: ExportLang,
): Promise<void> {
  await write(out, BOM + [...stampRows(answer, lang), [], householdHeader(lang)].map(csvLine).join(''));
  for await (const group of lines) await write(out, group.map((l) => csvLine(householdCells(l))).join(''));
  out.end();
}

export async function writeHouseholdsXlsx(
  out: Writable, lines: AsyncIterable<HouseholdLine[]>, answer: TotalsAnswer, lang: ExportLang,
): Promise<void> {
  const wb = await workbook(out);
  const sheet = wb.addWorksheet(wordsOf(lang).reports.file.sheetHouseholds, { views: [{ state: 'frozen', ySplit: 9 }] });
  sheet.columns = [{ width: 22 }, { width: 26 }, { width: 30 }, ...Array.from({ length: 15 }, () => ({ width: 14 }))];
  addStamp(sheet, answer, lang);
  const header = sheet.addRow(householdHeader(lang));
  header.font = { bold: true };
  header.commit();
  for await (const group of lines) {
    for (const l of group) sheet.addRow(householdCells(l)).commit();
    // Let the zip stream drain to the client before reading the next hamlet: memory stays flat.
    if (out.writableNeedDrain) await drained(out);
    if (out.destroyed) throw new Error('The download was cancelled.');
  }
  sheet.commit();
  await wb.commit();
}

// ---- A4 --------------------------------------------------------------------------------------------------------

const A4_STYLE = `
@page { size: A4 portrait; margin: 20mm 15mm 20mm 25mm; }
* { box-sizing: border-box; }
body { font-family: "Times New Roman", Times, serif; font-size: 13pt; line-height: 1.35; color: #000; background: #fff; margin: 0; }
main { max-width: 210mm; margin: 0 auto; padding: 12mm 10mm; }
.letterhead { display: grid; grid-template-columns: 2fr 3fr; gap: 4mm; text-align: center; }
.letterhead p { margin: 0; }
.letterhead hr { width: 35%; margin: 1mm auto 2mm; border: 0; border-top: 1px solid #000; }
.nation hr { width: 55%; }
.place { font-style: italic; margin-top: 2mm !important; }
h1 { font-size: 14pt; text-align: center; margin: 8mm 0 1mm; }
.period, .unit { text-align: center; margin: 0; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #000; padding: 1mm 1.5mm; vertical-align: top; }
th { font-weight: bold; text-align: center; }
td.n { text-align: right; white-space: nowrap; }
tbody tr.node td { font-weight: bold; }
.notes, .stamp { font-size: 11pt; font-style: italic; margin: 3mm 0 0; }
.signatures { display: grid; grid-template-columns: 1fr 1fr; text-align: center; margin-top: 8mm; min-height: 35mm; }
.signatures p { margin: 0; }
.tools { text-align: right; margin-bottom: 4mm; }
.tools button { font: inherit; font-size: 12pt; padding: 2mm 5mm; min-height: 44px; cursor: pointer; }
@media print { .tools { display: none; } main { padding: 0; max-width: none; } }
`;
const A4_SCRIPT = `document.getElementById('print').addEventListener('click', function () { window.print(); });`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The A4 page's own policy: only its inline style and print button, nothing loaded from anywhere. */
export const A4_CONTENT_SECURITY_POLICY =
  `default-src 'none'; style-src ${hash(A4_STYLE)}; script-src ${hash(A4_SCRIPT)}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function esc(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

const num = (n: number) => VN_NUMBER.format(n);

/** The unit line, the place of the dated line: from the node and its parents. */
function letterhead(answer: TotalsAnswer, node: ReportNode): { parent: string; unit: string; place: string } {
  const u = adminUnits();
  const parent = node.parents.at(-1)?.name ?? '';
  const commune = node.communes.length === 1 ? node.communes[0] : undefined;
  const place =
    node.ref.kind === 'province'
      ? u.shortName.get(node.area)
      : commune !== undefined
        ? u.shortName.get(commune.commune)
        : u.shortName.get(node.communes[0]?.province ?? '');
  return { parent, unit: answer.node.name, place: place ?? answer.node.name };
}

export function a4Html(answer: TotalsAnswer, node: ReportNode, lang: ExportLang): string {
  const w = wordsOf(lang);
  const f = w.reports.file;
  const m = w.reports.metric;
  const head = letterhead(answer, node);
  const [day, month, year] = VN_DATE_PARTS.format(new Date(answer.generatedAt)).split('/');
  const rows = [{ ref: answer.node, totals: answer.totals, own: true }, ...answer.children.map((c) => ({ ref: c.node, totals: c.totals, own: false }))];
  const td = (n: number) => `<td class="n">${num(n)}</td>`;
  const general = rows.map(({ ref, totals: t, own }) => `<tr${own ? ' class="node"' : ''}><td>${esc(ref.name)}</td>${td(t.households)}${td(t.visitedHouseholds)}${td(t.atTarget)}<td class="n">${t.atTargetRate === null ? '—' : VN_PERCENT.format(t.atTargetRate)}</td>${td(t.people)}${td(t.visits)}${td(t.followUpsDue)}${td(t.activeVolunteers)}</tr>`).join('');
  const skills = rows.map(({ ref, totals: t, own }) => `<tr${own ? ' class="node"' : ''}><td>${esc(ref.name)}</td>${t.skills.map((s) => `<td class="n">${num(s.proficient)} / ${num(s.guided)}</td>`).join('')}</tr>`).join('');
  const self = rows.map(({ ref, totals: t, own }) => `<tr${own ? ' class="node"' : ''}><td>${esc(ref.name)}</td>${t.skills.map((s) => td(s.selfReportedAlone)).join('')}</tr>`).join('');
  const skillHeads = SKILL_CODES.map((s) => `<th scope="col">${esc(w.skillShort[s])}</th>`).join('');
  const time = VN_TIME.format(new Date(answer.generatedAt));
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(f.title)} — ${esc(answer.node.name)}</title>
<style>${A4_STYLE}</style></head>
<body><main>
<div class="tools"><button type="button" id="print">${esc(f.print)}</button></div>
<header class="letterhead">
<div class="issuer"><p>${esc(head.parent.toLocaleUpperCase('vi'))}</p><p><strong>${esc(head.unit.toLocaleUpperCase('vi'))}</strong></p><hr></div>
<div class="nation"><p><strong>${esc(f.nationalName)}</strong></p><p><strong>${esc(f.motto)}</strong></p><hr>
<p class="place">${esc(fill(f.placeDate, { place: head.place, day: day ?? '', month: month ?? '', year: year ?? '' }))}</p></div>
</header>
<h1>${esc(f.title)}</h1>
<p class="unit">${esc(fill(f.subtitle, { unit: answer.node.name }))}</p>
<p class="period">${esc(fill(f.period, { from: dmy(answer.period.from), to: dmy(answer.period.to) }))}</p>
<h2>${esc(f.tableGeneral)}</h2>
<table><thead><tr><th scope="col">${esc(f.stampUnit)}</th><th scope="col">${esc(m.households)}</th><th scope="col">${esc(m.visitedHouseholds)}</th><th scope="col">${esc(m.atTarget)}</th><th scope="col">${esc(m.atTargetRate)}</th><th scope="col">${esc(m.people)}</th><th scope="col">${esc(m.visits)}</th><th scope="col">${esc(m.followUpsDue)}</th><th scope="col">${esc(m.activeVolunteers)}</th></tr></thead>
<tbody>${general}</tbody></table>
<h2>${esc(f.tableSkills)}</h2>
<table><thead><tr><th scope="col">${esc(f.stampUnit)}</th>${skillHeads}</tr></thead><tbody>${skills}</tbody></table>
<h2>${esc(f.tableSelf)}</h2>
<table><thead><tr><th scope="col">${esc(f.stampUnit)}</th>${skillHeads}</tr></thead><tbody>${self}</tbody></table>
<p class="notes">${esc(f.notes)}</p>
<p class="stamp">${esc(fill(f.stamp, { time, seq: num(answer.seq), stale: num(answer.staleDevices) }))}</p>
<div class="signatures"><div><p><strong>${esc(f.preparedBy)}</strong></p><p><em>${esc(f.signNote)}</em></p></div>
<div><p><strong>${esc(f.approvedBy)}</strong></p><p><em>${esc(f.signNote)}</em></p></div></div>
</main>
<script>${A4_SCRIPT}</script>
</body></html>`;
}

export { write as writeChunk };
