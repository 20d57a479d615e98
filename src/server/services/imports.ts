/**
 * Importing team members and households from a CSV (UTF-8 with or without BOM; comma, semicolon or tab) or an
 * XLSX file (the first worksheet, read with exceljs). Two steps, one code path:
 *  - preview: every row is read and checked with the shared schemas; the answer lists every bad row with its row
 *    number (as Excel numbers it), the column and a validation key, plus the first rows as they will be stored;
 *  - commit: the same reading again (the file travels again: nothing waits half-done on the server); refused while
 *    any row is bad; otherwise everything is written in one transaction — all or nothing.
 * Members are checked against the commune's roster by CCCD HMAC; households against the hamlet's households by
 * head name and address, so a file imported twice is refused rather than doubled. Imported households and people
 * become ordinary synced records (version 1, a server sequence number each) that volunteers pull.
 * Excel turns "038085123456" into the number 38085123456: a CCCD or phone that lost its leading zeros gets them back
 * (with a warning for the CCCD).
 */
import type { CellValue as ExcelValue } from 'exceljs';
import { checkVnPhone } from '../../shared/phone.ts';
import { normalizeCccd, maskCccd } from '../../shared/cccd.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { householdSchema, personSchema, type Household, type Person } from '../../shared/records.ts';
import {
  AFFILIATION_WORDS,
  codeForWord,
  columnForHeader,
  HOUSEHOLD_COLUMNS,
  householdRowSchema,
  MAX_IMPORT_FILE_BYTES,
  MAX_IMPORT_ROWS,
  MEMBER_COLUMNS,
  memberInputSchema,
  PREVIEW_ROWS,
  RELATION_WORDS,
  SEX_WORDS,
  TEAM_ROLE_WORDS,
  type HouseholdRow,
  type ImportColumn,
  type ImportCommitResponse,
  type ImportFile,
  type ImportIssue,
  type ImportPreview,
  type MemberValues,
} from '../../shared/roster.ts';
import { foldText } from '../../shared/text-fold.ts';
import { maskVnPhone } from '../../shared/phone.ts';
import type { AppDb } from '../db/client.ts';
import { lockWriters, recordsRepository, type RecordWrite } from '../db/records.ts';
import { DuplicateCccdError, rosterRepository, type HamletRow, type NewMember } from '../db/roster.ts';
import { ProblemError } from '../problem-error.ts';
import type { CccdCipher } from './cccd-crypto.ts';
import { contentHash } from './content-hash.ts';

export type Cell = string | number | null;

export interface Sheet {
  format: 'csv' | 'xlsx';
  /** Non-blank rows with their spreadsheet row numbers (1-based). */
  rows: { number: number; cells: Cell[] }[];
}

// ---- Reading files --------------------------------------------------------------------------------------------

/** The file's bytes; larger than MAX_IMPORT_FILE_BYTES → 413. */
export function decodeImportFile(file: ImportFile): Buffer {
  // Base64 is 4 characters per 3 bytes: refuse before decoding what is certainly too large.
  if (file.content.length > Math.ceil(MAX_IMPORT_FILE_BYTES / 3) * 4 + 4) throw tooLarge();
  const bytes = Buffer.from(file.content, 'base64');
  if (bytes.length > MAX_IMPORT_FILE_BYTES) throw tooLarge();
  return bytes;
}

function tooLarge(): ProblemError {
  return new ProblemError('request.too-large', `Files up to ${MAX_IMPORT_FILE_BYTES} bytes and ${MAX_IMPORT_ROWS} rows are accepted.`);
}

function unreadable(detail: string): ProblemError {
  return new ProblemError('import.unreadable-file', detail);
}

const isBlank = (cells: readonly Cell[]) => cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));

export async function readSheet(bytes: Buffer): Promise<Sheet> {
  const isZip = bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
  return isZip ? readXlsx(bytes) : readCsvBytes(bytes);
}

function readCsvBytes(bytes: Buffer): Sheet {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw unreadable('The CSV file is not UTF-8: save it as "CSV UTF-8" or as XLSX.');
  }
  if (text.includes('\u0000')) throw unreadable('This is not a CSV or XLSX file.');
  const records = parseCsv(text);
  if (records.length > MAX_IMPORT_ROWS + 1) throw tooLarge();
  const rows = records.map((cells, i) => ({ number: i + 1, cells: cells as Cell[] })).filter((r) => !isBlank(r.cells));
  return { format: 'csv', rows };
}

/** The delimiter of the first line outside quotes: the most frequent of ; , and tab (comma when none). */
function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** RFC 4180 CSV: quoted fields may hold delimiters, doubled quotes and line breaks; CRLF or LF; BOM dropped. */
export function parseCsv(input: string): string[][] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const delimiter = detectDelimiter(text);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
    } else {
      field += ch;
    }
    i += 1;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}


function excelCell(value: ExcelValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return excelCell((value as { result?: ExcelValue }).result);
  if ('text' in value) return typeof value.text === 'string' ? value.text : null;
  return null; // an error value (#N/A…)
}

async function readXlsx(bytes: Buffer): Promise<Sheet> {
  // exceljs is large: loaded on the first import, not at server start.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw unreadable('The XLSX file could not be read.');
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) throw unreadable('The XLSX file has no worksheet.');
  if (sheet.actualRowCount > MAX_IMPORT_ROWS + 1) throw tooLarge();
  const rows: Sheet['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const values = Array.isArray(row.values) ? row.values.slice(1) : []; // exceljs rows are 1-based
    const cells = Array.from(values, (v) => excelCell(v as ExcelValue));
    if (!isBlank(cells)) rows.push({ number, cells });
  });
  return { format: 'xlsx', rows };
}

// ---- From rows to values --------------------------------------------------------------------------------------

interface Layout<F extends string> {
  headerRow: number;
  /** field → its cell index and the heading as written in the file. */
  columns: Map<F, { index: number; heading: string }>;
  errors: ImportIssue[];
}

function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  return typeof cell === 'number' ? String(cell) : cell.trim();
}

function readLayout<F extends string>(sheet: Sheet, columns: readonly ImportColumn<F>[]): Layout<F> {
  const header = sheet.rows[0];
  const layout: Layout<F> = { headerRow: header?.number ?? 1, columns: new Map(), errors: [] };
  if (header === undefined) {
    layout.errors.push({ row: 1, field: '', column: '', key: 'importEmpty' });
    return layout;
  }
  header.cells.forEach((cell, index) => {
    const heading = cellText(cell);
    const column = columnForHeader(columns, heading);
    if (column === undefined) return;
    if (layout.columns.has(column.field)) {
      layout.errors.push({ row: header.number, field: column.field, column: heading, key: 'importColumnTwice' });
      return;
    }
    layout.columns.set(column.field, { index, heading });
  });
  for (const c of columns) {
    if (c.required && !layout.columns.has(c.field)) {
      layout.errors.push({ row: header.number, field: c.field, column: c.header, key: 'importColumnMissing' });
    }
  }
  return layout;
}

/** Text of a field's cell; numbers as Excel shows them. */
function fieldText<F extends string>(layout: Layout<F>, cells: readonly Cell[], field: F): string {
  const at = layout.columns.get(field);
  return at === undefined ? '' : cellText(cells[at.index]);
}

function fieldCell<F extends string>(layout: Layout<F>, cells: readonly Cell[], field: F): Cell {
  const at = layout.columns.get(field);
  return at === undefined ? null : (cells[at.index] ?? null);
}

/** A CCCD whose leading zeros a spreadsheet dropped ("38085123456") gets them back; `restored` says so. */
function cccdFromCell(cell: Cell): { value: string; restored: boolean } {
  const text = normalizeCccd(cellText(cell));
  if (/^[1-9]\d{9,10}$/.test(text)) return { value: text.padStart(12, '0'), restored: true };
  return { value: text, restored: false };
}

/** A phone that lost its 0 ("912345678") gets it back. */
function phoneFromCell(cell: Cell): string {
  const text = cellText(cell);
  return /^[1-9]\d{8}$/.test(text.replace(/[\s.]/g, '')) ? '0' + text.replace(/[\s.]/g, '') : text;
}

function birthYearFromCell(cell: Cell): unknown {
  const text = cellText(cell);
  if (text === '') return null;
  return /^\d{4}$/.test(text) ? Number(text) : text; // anything else fails the schema with "birthYear"
}

class RowIssues<F extends string> {
  readonly errors: ImportIssue[] = [];
  readonly warnings: ImportIssue[] = [];
  constructor(private readonly layout: Layout<F>, private readonly headers: readonly ImportColumn<F>[]) {}

  private issue(row: number, field: string, key: string): ImportIssue {
    const column = this.layout.columns.get(field as F)?.heading ?? this.headers.find((c) => c.field === field)?.header ?? '';
    return { row, field, column, key };
  }

  error(row: number, field: string, key: string): void {
    this.errors.push(this.issue(row, field, key));
  }

  warn(row: number, field: string, key: string): void {
    this.warnings.push(this.issue(row, field, key));
  }

  hasErrorOn(row: number): boolean {
    return this.errors.some((e) => e.row === row);
  }
}

// ---- Members --------------------------------------------------------------------------------------------------

type MemberField = (typeof MEMBER_COLUMNS)[number]['field'];

export interface MemberImport {
  preview: ImportPreview;
  members: (MemberValues & { row: number })[];
}

export async function prepareMemberImport(
  sheet: Sheet,
  context: { communeCode: string; cipher: CccdCipher; listed: (hmacs: string[]) => Promise<Map<string, string>> },
): Promise<MemberImport> {
  const layout = readLayout<MemberField>(sheet, MEMBER_COLUMNS);
  const issues = new RowIssues(layout, MEMBER_COLUMNS);
  issues.errors.push(...layout.errors);
  const dataRows = layout.errors.some((e) => e.key === 'importColumnMissing' || e.key === 'importEmpty') ? [] : sheet.rows.slice(1);
  if (layout.errors.length === 0 && dataRows.length === 0) issues.error(layout.headerRow + 1, '', 'importNoRows');
  const members: MemberImport['members'] = [];
  const firstRowOfHmac = new Map<string, number>();

  for (const { number, cells } of dataRows) {
    const text = (f: MemberField) => fieldText(layout, cells, f);
    const cccd = cccdFromCell(fieldCell(layout, cells, 'cccd'));
    const words: { field: MemberField; code: string | null | undefined; key: string }[] = [
      { field: 'sex', code: text('sex') === '' ? null : codeForWord(SEX_WORDS, text('sex')), key: 'importUnknownSex' },
      { field: 'affiliation', code: text('affiliation') === '' ? '' : codeForWord(AFFILIATION_WORDS, text('affiliation')), key: 'importUnknownAffiliation' },
      { field: 'role', code: text('role') === '' ? 'member' : codeForWord(TEAM_ROLE_WORDS, text('role')), key: 'importUnknownRole' },
    ];
    for (const w of words) if (w.code === undefined) issues.error(number, w.field, w.key);
    const code = (f: MemberField) => words.find((w) => w.field === f)?.code;
    const parsed = memberInputSchema.safeParse({
      fullName: text('fullName'),
      cccd: cccd.value,
      phone: phoneFromCell(fieldCell(layout, cells, 'phone')),
      birthYear: birthYearFromCell(fieldCell(layout, cells, 'birthYear')),
      sex: code('sex') ?? null,
      affiliation: code('affiliation') ?? 'other',
      role: code('role') ?? 'member',
    });
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const field = String(i.path[0] ?? '');
        // An unknown word is already reported on its own; the schema's "required" for it would say it twice.
        if (words.some((w) => w.field === field && w.code === undefined)) continue;
        issues.error(number, field, /^[a-zA-Z]+$/.test(i.message) ? i.message : 'invalid');
      }
      continue;
    }
    if (issues.hasErrorOn(number)) continue;
    if (cccd.restored) issues.warn(number, 'cccd', 'cccdZeroRestored');
    if (checkVnPhone(parsed.data.phone).kind === 'unknown-prefix') issues.warn(number, 'phone', 'phoneUnknownPrefix');
    const hmac = context.cipher.hmac(parsed.data.cccd);
    if (firstRowOfHmac.has(hmac)) {
      issues.error(number, 'cccd', 'cccdDuplicateInFile');
      continue;
    }
    firstRowOfHmac.set(hmac, number);
    members.push({ ...parsed.data, row: number });
  }

  const listed = await context.listed([...firstRowOfHmac.keys()]);
  for (const [hmac, row] of firstRowOfHmac) if (listed.has(hmac)) issues.error(row, 'cccd', 'cccdDuplicate');
  const good = members.filter((m) => !issues.hasErrorOn(m.row));

  return {
    members: good,
    preview: {
      kind: 'members',
      format: sheet.format,
      rowCount: dataRows.length,
      recordCount: good.length,
      personCount: good.length,
      errors: sortIssues(issues.errors),
      warnings: sortIssues(issues.warnings),
      sampleFields: ['fullName', 'cccd', 'phone', 'birthYear', 'sex', 'affiliation', 'role'],
      sample: good.slice(0, PREVIEW_ROWS).map((m) => ({
        row: m.row,
        cells: [m.fullName, maskCccd(m.cccd), maskVnPhone(m.phone), m.birthYear === null ? '' : String(m.birthYear), m.sex ?? '', m.affiliation, m.role],
      })),
    },
  };
}

function sortIssues(list: ImportIssue[]): ImportIssue[] {
  return [...list].sort((a, b) => a.row - b.row);
}

export async function commitMemberImport(
  db: AppDb,
  context: { userId: string; teamId: string; communeCode: string; cipher: CccdCipher; fileName: string },
  members: MemberImport['members'],
): Promise<ImportCommitResponse> {
  const rows: NewMember[] = members.map((m) => {
    const id = uuidv7();
    return {
      id, teamId: context.teamId, communeCode: context.communeCode, fullName: m.fullName,
      cccdCipher: context.cipher.encrypt(m.cccd, id), cccdHmac: context.cipher.hmac(m.cccd), phone: m.phone,
      birthYear: m.birthYear, sex: m.sex, affiliation: m.affiliation, role: m.role,
    };
  });
  try {
    await db.transaction(async (tx) => {
      const roster = rosterRepository(tx);
      await roster.insertMembers(rows, context.userId);
      await roster.audit({
        id: uuidv7(), userId: context.userId, action: 'import.members', teamId: context.teamId,
        communeCode: context.communeCode, detail: { fileName: context.fileName, members: rows.length },
      });
    });
  } catch (error) {
    if (error instanceof DuplicateCccdError) {
      throw new ProblemError('roster.duplicate-cccd', 'A CCCD in the file was listed in the commune meanwhile: preview again.');
    }
    throw error;
  }
  return { kind: 'members', recordCount: rows.length, personCount: rows.length, seq: null };
}

// ---- Households -----------------------------------------------------------------------------------------------

type HouseholdField = (typeof HOUSEHOLD_COLUMNS)[number]['field'];

interface PersonRow extends HouseholdRow {
  row: number;
}

export interface HouseholdImport {
  preview: ImportPreview;
  households: { head: PersonRow; people: PersonRow[] }[];
}

const householdIdentity = (headName: string, address: string) => `${foldText(headName)}|${foldText(address)}`;

export function prepareHouseholdImport(
  sheet: Sheet,
  existing: readonly { headName: string; address: string }[],
): HouseholdImport {
  const layout = readLayout<HouseholdField>(sheet, HOUSEHOLD_COLUMNS);
  const issues = new RowIssues(layout, HOUSEHOLD_COLUMNS);
  issues.errors.push(...layout.errors);
  const dataRows = layout.errors.some((e) => e.key === 'importColumnMissing' || e.key === 'importEmpty') ? [] : sheet.rows.slice(1);
  if (layout.errors.length === 0 && dataRows.length === 0) issues.error(layout.headerRow + 1, '', 'importNoRows');
  const groups = new Map<string, { rows: number[]; people: PersonRow[] }>();

  for (const { number, cells } of dataRows) {
    const text = (f: HouseholdField) => fieldText(layout, cells, f);
    const sex = text('sex') === '' ? null : codeForWord(SEX_WORDS, text('sex'));
    const relation = text('relation') === '' ? '' : codeForWord(RELATION_WORDS, text('relation'));
    if (sex === undefined) issues.error(number, 'sex', 'importUnknownSex');
    if (relation === undefined) issues.error(number, 'relation', 'importUnknownRelation');
    const key = foldText(text('householdKey'));
    if (key !== '') {
      const group = groups.get(key) ?? { rows: [], people: [] };
      group.rows.push(number);
      groups.set(key, group);
    }
    const parsed = householdRowSchema.safeParse({
      householdKey: text('householdKey'),
      fullName: text('fullName'),
      relation: relation ?? 'other',
      birthYear: birthYearFromCell(fieldCell(layout, cells, 'birthYear')),
      sex: sex ?? null,
      address: text('address'),
      phone: phoneFromCell(fieldCell(layout, cells, 'phone')),
      note: text('note'),
    });
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const field = String(i.path[0] ?? '');
        if ((field === 'relation' && relation === undefined) || (field === 'sex' && sex === undefined)) continue;
        issues.error(number, field, /^[a-zA-Z]+$/.test(i.message) ? i.message : 'invalid');
      }
      continue;
    }
    if (parsed.data.phone !== null && checkVnPhone(parsed.data.phone).kind === 'unknown-prefix') issues.warn(number, 'phone', 'phoneUnknownPrefix');
    groups.get(key)?.people.push({ ...parsed.data, row: number });
  }

  const known = new Set(existing.map((h) => householdIdentity(h.headName, h.address)));
  const inFile = new Set<string>();
  const households: HouseholdImport['households'] = [];
  for (const group of groups.values()) {
    const heads = group.people.filter((p) => p.relation === 'head');
    const firstRow = group.rows[0] ?? 0;
    if (heads.length === 0) {
      // Only when the rows themselves were readable: a head row with another error is reported as that error.
      if (group.people.length === group.rows.length) issues.error(firstRow, 'relation', 'householdNoHead');
      continue;
    }
    for (const extra of heads.slice(1)) issues.error(extra.row, 'relation', 'householdTwoHeads');
    const head = heads[0] as PersonRow;
    const identity = householdIdentity(head.fullName, head.address);
    if (known.has(identity)) issues.error(head.row, 'fullName', 'householdExists');
    else if (inFile.has(identity)) issues.error(head.row, 'fullName', 'householdDuplicateInFile');
    inFile.add(identity);
    households.push({ head, people: group.people });
  }
  const good = households.filter((h) => !h.people.some((p) => issues.hasErrorOn(p.row)) && h.people.length === (groups.get(foldText(h.head.householdKey))?.rows.length ?? 0));
  const people = good.flatMap((h) => h.people).sort((a, b) => a.row - b.row);

  return {
    households: good,
    preview: {
      kind: 'households',
      format: sheet.format,
      rowCount: dataRows.length,
      recordCount: good.length,
      personCount: people.length,
      errors: sortIssues(issues.errors),
      warnings: sortIssues(issues.warnings),
      sampleFields: ['householdKey', 'fullName', 'relation', 'birthYear', 'sex', 'address', 'phone'],
      sample: people.slice(0, PREVIEW_ROWS).map((p) => ({
        row: p.row,
        cells: [p.householdKey, p.fullName, p.relation, p.birthYear === null ? '' : String(p.birthYear), p.sex ?? '', p.address, p.phone === null ? '' : maskVnPhone(p.phone)],
      })),
    },
  };
}

export async function commitHouseholdImport(
  db: AppDb,
  context: { userId: string; hamlet: HamletRow; fileName: string },
  households: HouseholdImport['households'],
): Promise<ImportCommitResponse> {
  const now = new Date().toISOString();
  const writes: RecordWrite[] = [];
  const area = { provinceCode: context.hamlet.provinceCode, communeCode: context.hamlet.communeCode };
  const write = (entity: 'household' | 'person', record: Household | Person) => {
    const data = record as unknown as Record<string, unknown>;
    writes.push({
      entity, id: record.id, ...area, version: 1, deleted: false, contentHash: contentHash(data), data,
      updatedBy: context.userId,
    });
  };
  let personCount = 0;
  for (const { head, people } of households) {
    const household = householdSchema.parse({
      id: uuidv7(), ...area, hamletId: context.hamlet.id, headName: head.fullName, address: head.address,
      phone: head.phone, note: head.note, version: 1, deleted: false, createdAt: now, updatedAt: now,
    } satisfies Household);
    write('household', household);
    // The head first, then the others in file order.
    for (const p of [head, ...people.filter((x) => x !== head)]) {
      write('person', personSchema.parse({
        id: uuidv7(), householdId: household.id, fullName: p.fullName, birthYear: p.birthYear, sex: p.sex,
        relation: p.relation, version: 1, deleted: false, createdAt: now, updatedAt: now,
      } satisfies Person));
      personCount += 1;
    }
  }
  const seq = await db.transaction(async (tx) => {
    await lockWriters(tx);
    const seqs = await recordsRepository(tx).upsert(writes);
    await rosterRepository(tx).audit({
      id: uuidv7(), userId: context.userId, action: 'import.households', communeCode: area.communeCode,
      detail: { fileName: context.fileName, hamletId: context.hamlet.id, households: households.length, people: personCount },
    });
    let highest: number | null = null;
    for (const s of seqs.values()) highest = highest === null || s > highest ? s : highest;
    return highest;
  });
  return { kind: 'households', recordCount: households.length, personCount, seq };
}
