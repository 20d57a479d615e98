/**
 * The roster endpoints (src/server/routes/teams.ts and imports.ts) as typed calls. Every answer is checked against
 * the shared schema: an answer the app does not understand is an ApiError 'bad-response', never a half-drawn screen.
 * Rosters live on the server only (personal data stays off volunteers' phones), so these screens need a connection.
 */
import type * as z from 'zod/mini';
import { ApiError, apiFetch } from '../../lib/api.ts';
import {
  communesResponseSchema,
  hamletsResponseSchema,
  importCommitResponseSchema,
  importPreviewSchema,
  memberResponseSchema,
  revealResponseSchema,
  teamDetailResponseSchema,
  teamListResponseSchema,
  teamResponseSchema,
  type CommuneOption,
  type HamletOption,
  type ImportCommitResponse,
  type ImportFile,
  type ImportPreview,
  type MemberInput,
  type MemberPatch,
  type MemberView,
  type TeamDetail,
  type TeamInput,
  type TeamPatch,
  type TeamView,
} from '../../../shared/roster.ts';

/** Uploading a 5 MB file on a slow connection takes longer than an ordinary request. */
const IMPORT_TIMEOUT_MS = 180_000;

function parse<S extends z.ZodMiniType>(schema: S, data: unknown): z.output<S> {
  const r = schema.safeParse(data);
  if (!r.success) throw new ApiError('bad-response', 200);
  return r.data;
}

const path = (...parts: string[]) => '/' + parts.map(encodeURIComponent).join('/');

export async function listTeams(): Promise<{ teams: TeamView[]; canCreate: boolean }> {
  return parse(teamListResponseSchema, await apiFetch('/teams'));
}

export async function createTeam(input: TeamInput): Promise<TeamView> {
  return parse(teamResponseSchema, await apiFetch('/teams', { body: input })).team;
}

export async function getTeam(teamId: string): Promise<TeamDetail> {
  return parse(teamDetailResponseSchema, await apiFetch(path('teams', teamId)));
}

export async function updateTeam(teamId: string, patch: TeamPatch): Promise<TeamView> {
  return parse(teamResponseSchema, await apiFetch(path('teams', teamId), { method: 'PATCH', body: patch })).team;
}

export async function deleteTeam(teamId: string): Promise<void> {
  await apiFetch(path('teams', teamId), { method: 'DELETE' });
}

export async function addMember(teamId: string, input: MemberInput): Promise<MemberView> {
  return parse(memberResponseSchema, await apiFetch(path('teams', teamId, 'members'), { body: input })).member;
}

export async function updateMember(teamId: string, memberId: string, patch: MemberPatch): Promise<MemberView> {
  return parse(memberResponseSchema, await apiFetch(path('teams', teamId, 'members', memberId), { method: 'PATCH', body: patch })).member;
}

export async function removeMember(teamId: string, memberId: string): Promise<void> {
  await apiFetch(path('teams', teamId, 'members', memberId), { method: 'DELETE' });
}

/** The whole CCCD and phone; the server records that this person looked. */
export async function revealMember(teamId: string, memberId: string): Promise<{ cccd: string; phone: string }> {
  return parse(revealResponseSchema, await apiFetch(path('teams', teamId, 'members', memberId, 'reveal'), { method: 'POST' }));
}

export async function listCommunes(): Promise<CommuneOption[]> {
  return parse(communesResponseSchema, await apiFetch('/areas/communes')).communes;
}

export async function listHamlets(communeCode: string): Promise<HamletOption[]> {
  return parse(hamletsResponseSchema, await apiFetch(path('areas', 'communes', communeCode, 'hamlets'))).hamlets;
}

export type ImportTarget = { kind: 'members'; teamId: string } | { kind: 'households'; hamletId: string };

function importPath(target: ImportTarget, step: 'preview' | 'commit'): string {
  return target.kind === 'members'
    ? path('teams', target.teamId, 'imports', 'members', step)
    : path('hamlets', target.hamletId, 'imports', 'households', step);
}

export async function previewImport(target: ImportTarget, file: ImportFile): Promise<ImportPreview> {
  return parse(importPreviewSchema, await apiFetch(importPath(target, 'preview'), { body: file, timeoutMs: IMPORT_TIMEOUT_MS }));
}

export async function commitImport(target: ImportTarget, file: ImportFile): Promise<ImportCommitResponse> {
  return parse(importCommitResponseSchema, await apiFetch(importPath(target, 'commit'), { body: file, timeoutMs: IMPORT_TIMEOUT_MS }));
}

/** A chosen file as the import body: its name and its bytes in base64 (chunked: a 5 MB file in one call overflows). */
export async function readImportFile(file: Blob & { name: string }): Promise<ImportFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { fileName: file.name.slice(0, 200) || 'tep', content: btoa(binary) };
}
