/**
 * The team roster contract (Tổ công nghệ số cộng đồng): teams in a commune (optionally a hamlet), their members with
 * full name, CCCD, phone, affiliation and role in the team, and the import files (CSV/XLSX) that fill rosters and
 * household registries. The server validates requests with these schemas and the client types its screens with the
 * answers; messages are validation keys (translated beside each field).
 *
 * Personal data: a member's CCCD and phone travel masked ("038******345", "0912•••678") in every answer except the
 * explicit, audited "show" request of a role that needs them (see README, Decisions).
 */
import * as z from 'zod/mini';
import { checkCccd, normalizeCccd } from './cccd.ts';
import { birthYearSchema, nameSchema, phoneSchema, RELATIONS, SEXES, type Relation, type Sex } from './records.ts';
import { UUID_PATTERN } from './ids.ts';
import { foldText } from './text-fold.ts';

export const AFFILIATIONS = ['youth-union', 'women-union', 'commune-police', 'post-telecom', 'school', 'other'] as const;
export type Affiliation = (typeof AFFILIATIONS)[number];

export const TEAM_ROLES = ['leader', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

const id = () => z.string().check(z.regex(UUID_PATTERN, 'invalidId'));
const communeCode = () => z.string().check(z.regex(/^\d{5}$/, 'invalidArea'));

/** A CCCD on its own: 12 digits, "0" + a pre-2025 province code, an encoded birth year not in the future. */
export const cccdSchema = z.string().check(
  z.overwrite(normalizeCccd),
  z.superRefine((value, ctx) => {
    const r = checkCccd(value);
    if (!r.ok) ctx.issues.push({ code: 'custom', message: r.error, input: value });
  }),
);

/** A member's phone is required; normalised like a household's, and an unknown prefix passes (the form warns). */
const requiredPhoneSchema = z.pipe(phoneSchema, z.string('required'));

const memberFields = {
  fullName: nameSchema,
  cccd: cccdSchema,
  phone: requiredPhoneSchema,
  birthYear: z._default(birthYearSchema, null),
  sex: z._default(z.nullable(z.enum(SEXES, 'invalid')), null),
  affiliation: z.enum(AFFILIATIONS, 'required'),
  role: z.enum(TEAM_ROLES, 'required'),
};

/** The CCCD's fourth to sixth digits must agree with the birth year and sex when those are given. */
const cccdAgreesWithPerson = z.superRefine(
  (m: { cccd: string; birthYear: number | null; sex: Sex | null }, ctx) => {
    if (!checkCccd(m.cccd).ok) return; // already reported on the field itself
    const birthYear = typeof m.birthYear === 'number' ? m.birthYear : null;
    const r = checkCccd(m.cccd, { birthYear, sex: m.sex });
    if (!r.ok) ctx.issues.push({ code: 'custom', message: r.error, input: m.cccd, path: ['cccd'] });
  },
);

/** Adding a member (form or import row). */
export const memberInputSchema = z.strictObject(memberFields).check(cccdAgreesWithPerson);
export type MemberInput = z.input<typeof memberInputSchema>;
export type MemberValues = z.output<typeof memberInputSchema>;

/**
 * Editing a member: only what changes. An absent `cccd` or `phone` keeps the stored one (the form never receives
 * the full numbers, so it cannot send them back); the server checks the merged member with memberInputSchema.
 */
export const memberPatchSchema = z.strictObject({
  fullName: z.optional(nameSchema),
  cccd: z.optional(cccdSchema),
  phone: z.optional(requiredPhoneSchema),
  birthYear: z.optional(birthYearSchema),
  sex: z.optional(z.nullable(z.enum(SEXES, 'invalid'))),
  affiliation: z.optional(z.enum(AFFILIATIONS, 'required')),
  role: z.optional(z.enum(TEAM_ROLES, 'required')),
});
export type MemberPatch = z.input<typeof memberPatchSchema>;

export const teamInputSchema = z.strictObject({
  name: nameSchema,
  communeCode: communeCode(),
  hamletId: z._default(z.nullable(id()), null),
});
export type TeamInput = z.input<typeof teamInputSchema>;

/** A team's commune is fixed once created (its members' duplicate check and everyone's scope hang on it). */
export const teamPatchSchema = z.strictObject({
  name: z.optional(nameSchema),
  hamletId: z.optional(z.nullable(id())),
});
export type TeamPatch = z.input<typeof teamPatchSchema>;

// ---- Answers --------------------------------------------------------------------------------------------------

export const teamViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  provinceCode: z.string(),
  communeCode: z.string(),
  /** "Xã Pù Luông, Tỉnh Thanh Hoá" (from the 2025 list; the code when unknown). */
  communeName: z.string(),
  hamletId: z.nullable(z.string()),
  hamletName: z.nullable(z.string()),
  memberCount: z.int(),
  updatedAt: z.string(),
});
export type TeamView = z.output<typeof teamViewSchema>;

export const memberViewSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  fullName: z.string(),
  /** Masked: "038******345". */
  cccd: z.string(),
  /** Masked: "0912•••678". */
  phone: z.string(),
  birthYear: z.nullable(z.int()),
  sex: z.nullable(z.enum(SEXES)),
  affiliation: z.enum(AFFILIATIONS),
  role: z.enum(TEAM_ROLES),
  updatedAt: z.string(),
});
export type MemberView = z.output<typeof memberViewSchema>;

/** What the caller may do with this team (the server decides; the screen only hides what would be refused). */
export const teamPermissionsSchema = z.object({
  /** Rename, move to another hamlet, delete: admins and coordinators of the commune. Renaming also the leader. */
  manageTeam: z.boolean(),
  deleteTeam: z.boolean(),
  /** Add, edit, remove and import members. */
  editMembers: z.boolean(),
  /** See a member's whole CCCD and phone (audited). */
  reveal: z.boolean(),
});
export type TeamPermissions = z.output<typeof teamPermissionsSchema>;

export const teamListResponseSchema = z.object({
  teams: z.array(teamViewSchema),
  /** Whether the caller may create teams (admins and coordinators). */
  canCreate: z.boolean(),
});
export const teamDetailResponseSchema = z.object({
  team: teamViewSchema,
  members: z.array(memberViewSchema),
  permissions: teamPermissionsSchema,
});
export type TeamDetail = z.output<typeof teamDetailResponseSchema>;
export const teamResponseSchema = z.object({ team: teamViewSchema });
export const memberResponseSchema = z.object({ member: memberViewSchema });
export const revealResponseSchema = z.object({ cccd: z.string(), phone: z.string() });

export const communeOptionSchema = z.object({ code: z.string(), name: z.string(), provinceCode: z.string() });
export const communesResponseSchema = z.object({ communes: z.array(communeOptionSchema) });
export type CommuneOption = z.output<typeof communeOptionSchema>;
export const hamletOptionSchema = z.object({ id: z.string(), name: z.string() });
export const hamletsResponseSchema = z.object({ hamlets: z.array(hamletOptionSchema) });
export type HamletOption = z.output<typeof hamletOptionSchema>;

// ---- Import files ---------------------------------------------------------------------------------------------

/** The largest file accepted (bytes, decoded). Larger → 413 request.too-large. */
export const MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024;
/** The most data rows one file may hold (a commune's households fit several times over). */
export const MAX_IMPORT_ROWS = 10_000;
/** Rows echoed back in a preview for display; errors are always listed in full. */
export const PREVIEW_ROWS = 200;

/** A CSV (UTF-8, with or without BOM; comma or semicolon) or an XLSX file, base64-encoded in JSON. */
export const importFileSchema = z.strictObject({
  fileName: z.string().check(z.minLength(1, 'required'), z.maxLength(200, 'tooLong')),
  content: z.base64('importUnreadable').check(z.minLength(1, 'required')),
});
export type ImportFile = z.output<typeof importFileSchema>;

export const IMPORT_KINDS = ['members', 'households'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const importIssueSchema = z.object({
  /** The spreadsheet row number as Excel shows it (the header is row 1). */
  row: z.int(),
  /** The field ("cccd") or "" for the whole row. */
  field: z.string(),
  /** The column's header as written in the file ("Số CCCD"), for the person to find it. */
  column: z.string(),
  /** A validation message key. */
  key: z.string(),
});
export type ImportIssue = z.output<typeof importIssueSchema>;

export const importPreviewSchema = z.object({
  kind: z.enum(IMPORT_KINDS),
  format: z.enum(['csv', 'xlsx']),
  /** Data rows read (blank rows skipped). */
  rowCount: z.int(),
  /** Members: one per row; households: the households the rows make up. */
  recordCount: z.int(),
  /** People the rows add (households: every row is a person). */
  personCount: z.int(),
  errors: z.array(importIssueSchema),
  /** Worth a look, never blocking (an unknown phone prefix). */
  warnings: z.array(importIssueSchema),
  /** The first rows as they will be stored, masked, for the person to check the columns were understood. */
  sample: z.array(z.object({ row: z.int(), cells: z.array(z.string()) })),
  /** Headings of the sample's cells, as fields ("fullName", "cccd", …). */
  sampleFields: z.array(z.string()),
});
export type ImportPreview = z.output<typeof importPreviewSchema>;

export const importCommitResponseSchema = z.object({
  kind: z.enum(IMPORT_KINDS),
  /** Members added, or households added. */
  recordCount: z.int(),
  personCount: z.int(),
  /** The highest server sequence number written (households: volunteers pull from it). */
  seq: z.nullable(z.int()),
});
export type ImportCommitResponse = z.output<typeof importCommitResponseSchema>;

/**
 * The columns of the import files. `header` is what the downloadable template writes; a file may use any of the
 * `aliases` instead (compared folded: no diacritics, no case, single spaces), so "Ho ten", "HỌ VÀ TÊN" or "full name"
 * all work. These headings and the value words below are the file format — Vietnamese, like the files people
 * keep — not UI strings.
 */
export interface ImportColumn<F extends string = string> {
  field: F;
  header: string;
  aliases: readonly string[];
  required: boolean;
}

export const MEMBER_COLUMNS: readonly ImportColumn<'fullName' | 'cccd' | 'phone' | 'birthYear' | 'sex' | 'affiliation' | 'role'>[] = [
  { field: 'fullName', header: 'Họ và tên', aliases: ['ho va ten', 'ho ten', 'ten', 'full name', 'name'], required: true },
  { field: 'cccd', header: 'Số CCCD', aliases: ['so cccd', 'cccd', 'can cuoc', 'so can cuoc', 'can cuoc cong dan', 'so dinh danh', 'so dinh danh ca nhan', 'id number'], required: true },
  { field: 'phone', header: 'Số điện thoại', aliases: ['so dien thoai', 'dien thoai', 'sdt', 'so dt', 'phone'], required: true },
  { field: 'birthYear', header: 'Năm sinh', aliases: ['nam sinh', 'birth year'], required: false },
  { field: 'sex', header: 'Giới tính', aliases: ['gioi tinh', 'sex'], required: false },
  { field: 'affiliation', header: 'Đơn vị', aliases: ['don vi', 'to chuc', 'don vi cong tac', 'affiliation'], required: true },
  { field: 'role', header: 'Vai trò', aliases: ['vai tro', 'vai tro trong to', 'chuc vu', 'role'], required: false },
];

export const HOUSEHOLD_COLUMNS: readonly ImportColumn<'householdKey' | 'fullName' | 'relation' | 'birthYear' | 'sex' | 'address' | 'phone' | 'note'>[] = [
  { field: 'householdKey', header: 'Mã hộ', aliases: ['ma ho', 'so ho', 'stt ho', 'ho so', 'household'], required: true },
  { field: 'fullName', header: 'Họ và tên', aliases: ['ho va ten', 'ho ten', 'ten', 'full name', 'name'], required: true },
  { field: 'relation', header: 'Quan hệ với chủ hộ', aliases: ['quan he voi chu ho', 'quan he', 'relation'], required: true },
  { field: 'birthYear', header: 'Năm sinh', aliases: ['nam sinh', 'birth year'], required: false },
  { field: 'sex', header: 'Giới tính', aliases: ['gioi tinh', 'sex'], required: false },
  { field: 'address', header: 'Địa chỉ', aliases: ['dia chi', 'address'], required: false },
  { field: 'phone', header: 'Số điện thoại', aliases: ['so dien thoai', 'dien thoai', 'sdt', 'so dt', 'phone'], required: false },
  { field: 'note', header: 'Ghi chú', aliases: ['ghi chu', 'note'], required: false },
];

/** Words accepted in the value cells (folded), each with the code it means; the first word is the template's. */
export const AFFILIATION_WORDS: Record<Affiliation, readonly string[]> = {
  'youth-union': ['Đoàn thanh niên', 'doan tn', 'doan tncs', 'doan tncs ho chi minh', 'doan', 'youth union'],
  'women-union': ['Hội LHPN', 'hoi phu nu', 'hoi lien hiep phu nu', 'hoi lhpn xa', 'phu nu', 'women union'],
  'commune-police': ['Công an xã', 'cong an', 'cong an phuong', 'commune police', 'police'],
  'post-telecom': ['Bưu chính, viễn thông', 'buu chinh', 'vien thong', 'buu chinh vien thong', 'buu chinh/vien thong', 'buu dien', 'post telecom'],
  school: ['Trường học', 'truong', 'giao vien', 'hoc sinh', 'school'],
  other: ['Khác', 'other'],
};

export const TEAM_ROLE_WORDS: Record<TeamRole, readonly string[]> = {
  leader: ['Tổ trưởng', 'to truong', 'leader'],
  member: ['Thành viên', 'to vien', 'member'],
};

export const SEX_WORDS: Record<Sex, readonly string[]> = {
  male: ['Nam', 'male', 'm'],
  female: ['Nữ', 'nu', 'female', 'f'],
  other: ['Khác', 'other'],
};

export const RELATION_WORDS: Record<Relation, readonly string[]> = {
  head: ['Chủ hộ', 'chu ho', 'head'],
  spouse: ['Vợ/chồng', 'vo', 'chong', 'vo chong', 'spouse'],
  child: ['Con', 'con trai', 'con gai', 'child'],
  parent: ['Bố/mẹ', 'bo', 'me', 'cha', 'cha/me', 'bo me', 'parent'],
  sibling: ['Anh/chị/em', 'anh', 'chi', 'em', 'anh chi em', 'sibling'],
  grandchild: ['Cháu', 'chau noi', 'chau ngoai', 'grandchild'],
  grandparent: ['Ông/bà', 'ong', 'ong ba', 'ong noi', 'ba noi', 'ong ngoai', 'ba ngoai', 'grandparent'],
  'in-law': ['Con dâu/con rể', 'con dau', 'con re', 'dau', 're', 'in-law'],
  other: ['Khác', 'other'],
};

/** The data row of a household import as a person (one row = one person; rows sharing "Mã hộ" are one household). */
export const householdRowSchema = z.strictObject({
  householdKey: z.string().check(z.overwrite((s) => s.trim()), z.minLength(1, 'required'), z.maxLength(50, 'tooLong')),
  fullName: nameSchema,
  relation: z.enum(RELATIONS, 'required'),
  birthYear: z._default(birthYearSchema, null),
  sex: z._default(z.nullable(z.enum(SEXES, 'invalid')), null),
  address: z.string().check(z.overwrite((s) => s.normalize('NFC').trim()), z.maxLength(200, 'tooLong')),
  phone: phoneSchema,
  note: z.string().check(z.overwrite((s) => s.normalize('NFC').trim()), z.maxLength(500, 'tooLong')),
});
export type HouseholdRow = z.output<typeof householdRowSchema>;

/** A heading or value cell folded for comparison: no diacritics or case, punctuation as spaces, single spaces. */
export function foldCell(value: string): string {
  return foldText(value.replace(/[,/;.\-–_]+/g, ' '));
}

/** The code a value cell means ("Vợ / chồng" → spouse), or undefined when no accepted word matches. */
export function codeForWord<C extends string>(words: Record<C, readonly string[]>, value: string): C | undefined {
  const folded = foldCell(value);
  for (const [code, list] of Object.entries(words) as [C, readonly string[]][]) {
    if (folded === foldCell(code) || list.some((w) => foldCell(w) === folded)) return code;
  }
  return undefined;
}

/** The column a heading names, or undefined for a column the import does not use. */
export function columnForHeader<F extends string>(columns: readonly ImportColumn<F>[], heading: string): ImportColumn<F> | undefined {
  const folded = foldCell(heading);
  if (folded === '') return undefined;
  return columns.find((c) => foldCell(c.header) === folded || c.aliases.some((a) => foldCell(a) === folded));
}
