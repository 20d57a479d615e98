/**
 * Imports from CSV/XLSX (services/imports.ts does the reading). Each kind has a preview and a commit; both take the
 * same body (the file, base64 in JSON) and read it the same way; commit refuses with 422 import.invalid-rows while
 * any row is bad, and otherwise writes everything in one transaction.
 *   POST /api/teams/:teamId/imports/members/preview | commit         members into a team
 *   POST /api/hamlets/:hamletId/imports/households/preview | commit  households (and their people) into a hamlet
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/swagger';
import * as z from 'zod/mini';
import { UUID_PATTERN } from '../../shared/ids.ts';
import {
  importCommitResponseSchema,
  importFileSchema,
  importPreviewSchema,
  MAX_IMPORT_FILE_BYTES,
  type ImportFile,
  type ImportPreview,
} from '../../shared/roster.ts';
import type { Database } from '../db/client.ts';
import { rosterRepository } from '../db/roster.ts';
import { currentUser, type AuthUser } from '../auth/authenticate.ts';
import { ProblemError } from '../problem-error.ts';
import type { CccdCipher } from '../services/cccd-crypto.ts';
import {
  commitHouseholdImport,
  commitMemberImport,
  decodeImportFile,
  prepareHouseholdImport,
  prepareMemberImport,
  readSheet,
} from '../services/imports.ts';
import { mayImportHouseholds, teamAccess } from '../services/rosters.ts';
import { requireCipher, teamParamsSchema } from './teams.ts';

/** A 5 MiB file as base64 (4 characters per 3 bytes) plus the JSON around it. Larger → 413 request.too-large. */
export const IMPORT_BODY_LIMIT = Math.ceil(MAX_IMPORT_FILE_BYTES / 3) * 4 + 64 * 1024;

const hamletParamsSchema = z.strictObject({ hamletId: z.string().check(z.regex(UUID_PATTERN, 'invalidId')) });

export interface ImportRouteOptions {
  database: Database;
  authenticate: (request: FastifyRequest) => Promise<void>;
  cipher: CccdCipher | null;
}

function refuseBadRows(preview: ImportPreview): void {
  if (preview.errors.length > 0) {
    throw new ProblemError('import.invalid-rows', `${preview.errors.length} problem(s) in the file: preview it and fix them first.`);
  }
}

export function importRoutes(app: FastifyInstance, opts: ImportRouteOptions): void {
  const { database, authenticate } = opts;
  const roster = rosterRepository(database.db);

  async function memberImport(user: AuthUser, teamId: string, file: ImportFile) {
    const team = await roster.findTeam(teamId);
    if (team === undefined) throw new ProblemError('not-found');
    if (!teamAccess(user, team).editMembers) throw new ProblemError('auth.forbidden');
    const cipher = requireCipher(opts.cipher);
    const sheet = await readSheet(decodeImportFile(file));
    const prepared = await prepareMemberImport(sheet, {
      communeCode: team.communeCode,
      cipher,
      listed: (hmacs) => roster.membersByHmac(team.communeCode, hmacs),
    });
    return { team, cipher, prepared };
  }

  async function householdImport(user: AuthUser, hamletId: string, file: ImportFile) {
    const hamlet = await roster.findHamlet(hamletId);
    if (hamlet === undefined) throw new ProblemError('not-found');
    if (!mayImportHouseholds(user, hamlet.provinceCode, hamlet.communeCode)) throw new ProblemError('auth.forbidden');
    const sheet = await readSheet(decodeImportFile(file));
    const prepared = prepareHouseholdImport(sheet, await roster.householdsInHamlet(hamlet.communeCode, hamlet.id));
    return { hamlet, prepared };
  }

  const common = { onRequest: authenticate, bodyLimit: IMPORT_BODY_LIMIT };

  app.post(
    '/api/teams/:teamId/imports/members/preview',
    { ...common, schema: { params: teamParamsSchema, body: importFileSchema, response: { 200: importPreviewSchema }, tags: ['imports'], summary: 'Check a member list file (CSV or XLSX) row by row' } },
    async (request) => {
      const { teamId } = request.params as z.output<typeof teamParamsSchema>;
      const { prepared } = await memberImport(currentUser(request), teamId, request.body as ImportFile);
      return prepared.preview;
    },
  );

  app.post(
    '/api/teams/:teamId/imports/members/commit',
    { ...common, schema: { params: teamParamsSchema, body: importFileSchema, response: { 200: importCommitResponseSchema }, tags: ['imports'], summary: 'Import a member list file: all rows or none' } },
    async (request) => {
      const user = currentUser(request);
      const { teamId } = request.params as z.output<typeof teamParamsSchema>;
      const file = request.body as ImportFile;
      const { team, cipher, prepared } = await memberImport(user, teamId, file);
      refuseBadRows(prepared.preview);
      return commitMemberImport(
        database.db,
        { userId: user.id, teamId: team.id, communeCode: team.communeCode, cipher, fileName: file.fileName },
        prepared.members,
      );
    },
  );

  app.post(
    '/api/hamlets/:hamletId/imports/households/preview',
    { ...common, schema: { params: hamletParamsSchema, body: importFileSchema, response: { 200: importPreviewSchema }, tags: ['imports'], summary: 'Check a household list file (CSV or XLSX) row by row' } },
    async (request) => {
      const { hamletId } = request.params as z.output<typeof hamletParamsSchema>;
      const { prepared } = await householdImport(currentUser(request), hamletId, request.body as ImportFile);
      return prepared.preview;
    },
  );

  app.post(
    '/api/hamlets/:hamletId/imports/households/commit',
    { ...common, schema: { params: hamletParamsSchema, body: importFileSchema, response: { 200: importCommitResponseSchema }, tags: ['imports'], summary: 'Import a household list file: all rows or none' } },
    async (request) => {
      const user = currentUser(request);
      const { hamletId } = request.params as z.output<typeof hamletParamsSchema>;
      const file = request.body as ImportFile;
      const { hamlet, prepared } = await householdImport(user, hamletId, file);
      refuseBadRows(prepared.preview);
      return commitHouseholdImport(database.db, { userId: user.id, hamlet, fileName: file.fileName }, prepared.households);
    },
  );
}
