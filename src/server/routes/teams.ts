/**
 * Team rosters (contract: src/shared/roster.ts; who may do what: services/rosters.ts). Thin: authenticate, parse
 * with the shared schemas, check access, call the repository, reply. CCCD and phone leave masked; the whole numbers
 * only through `reveal`, audited without them.
 *   GET    /api/teams                                          teams in the caller's scope
 *   POST   /api/teams                                          create a team (admin, coordinator)
 *   GET    /api/teams/:teamId                                  a team, its members (masked) and what the caller may do
 *   PATCH  /api/teams/:teamId                                  rename / move to another hamlet
 *   DELETE /api/teams/:teamId                                  delete (refused while accounts belong to it)
 *   POST   /api/teams/:teamId/members                          add a member
 *   PATCH  /api/teams/:teamId/members/:memberId                edit a member (absent CCCD/phone: unchanged)
 *   DELETE /api/teams/:teamId/members/:memberId                remove a member
 *   POST   /api/teams/:teamId/members/:memberId/reveal         the whole CCCD and phone (audited)
 *   GET    /api/areas/communes                                 communes the caller may pick
 *   GET    /api/areas/communes/:communeCode/hamlets            a commune's hamlets
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/swagger';
import * as z from 'zod/mini';
import { uuidv7 } from '../../shared/ids.ts';
import { UUID_PATTERN } from '../../shared/ids.ts';
import {
  communesResponseSchema,
  hamletsResponseSchema,
  memberInputSchema,
  memberPatchSchema,
  memberResponseSchema,
  revealResponseSchema,
  teamDetailResponseSchema,
  teamInputSchema,
  teamListResponseSchema,
  teamPatchSchema,
  teamResponseSchema,
  type MemberValues,
  type TeamView,
} from '../../shared/roster.ts';
import { viCollator } from '../../shared/text-fold.ts';
import type { Database } from '../db/client.ts';
import { DuplicateCccdError, rosterRepository, type NewMember, type TeamRecord } from '../db/roster.ts';
import { currentUser, type AuthUser } from '../auth/authenticate.ts';
import { scopeAllows } from '../auth/scope.ts';
import { ProblemError, zodProblem } from '../problem-error.ts';
import type { CccdCipher } from '../services/cccd-crypto.ts';
import { communesInScope, findCommune, mayCreateTeam, memberView, teamAccess } from '../services/rosters.ts';

const uuid = () => z.string().check(z.regex(UUID_PATTERN, 'invalidId'));
export const teamParamsSchema = z.strictObject({ teamId: uuid() });
export const memberParamsSchema = z.strictObject({ teamId: uuid(), memberId: uuid() });
const communeParamsSchema = z.strictObject({ communeCode: z.string().check(z.regex(/^\d{5}$/, 'invalidArea')) });

export interface RosterRouteOptions {
  database: Database;
  authenticate: (request: FastifyRequest) => Promise<void>;
  /** Null when no CCCD key was configured: member routes answer 503 rather than store numbers unprotected. */
  cipher: CccdCipher | null;
}

export function requireCipher(cipher: CccdCipher | null): CccdCipher {
  if (cipher === null) throw new ProblemError('unavailable', 'No CCCD key is configured on this server.');
  return cipher;
}

export function teamView(team: TeamRecord): TeamView {
  return { ...team, communeName: findCommune(team.communeCode)?.name ?? team.communeCode };
}

const byName = <T extends { name: string }>(a: T, b: T) => viCollator().compare(a.name, b.name);

function noStore(reply: FastifyReply): void {
  reply.header('Cache-Control', 'no-store');
}

export function teamRoutes(app: FastifyInstance, opts: RosterRouteOptions): void {
  const { database, authenticate } = opts;
  const roster = rosterRepository(database.db);

  /** The team, or 404; then 403 unless `allowed` says the caller may. */
  async function loadTeam(user: AuthUser, teamId: string, need: 'read' | 'manageTeam' | 'deleteTeam' | 'editMembers' | 'reveal') {
    const team = await roster.findTeam(teamId);
    if (team === undefined) throw new ProblemError('not-found');
    const access = teamAccess(user, team);
    if (!access[need]) throw new ProblemError('auth.forbidden');
    return { team, access };
  }

  /** A hamlet chosen for a team must be a live hamlet of the team's commune. */
  async function checkHamlet(hamletId: string | null | undefined, communeCode: string): Promise<void> {
    if (hamletId === null || hamletId === undefined) return;
    const hamlet = await roster.findHamlet(hamletId);
    if (hamlet === undefined || hamlet.communeCode !== communeCode) {
      throw new ProblemError('request.invalid', 'The hamlet is not in the team’s commune.', { hamletId: 'notFound' });
    }
  }

  async function refuseListedCccd(communeCode: string, hmac: string, exceptMemberId: string | null): Promise<void> {
    const listed = await roster.membersByHmac(communeCode, [hmac]);
    const holder = listed.get(hmac);
    if (holder !== undefined && holder !== exceptMemberId) {
      throw new ProblemError('roster.duplicate-cccd', undefined, { cccd: 'cccdDuplicate' });
    }
  }

  async function audit(user: AuthUser, action: string, team: { id: string; communeCode: string }, memberId: string | null = null) {
    await roster.audit({ id: uuidv7(), userId: user.id, action, teamId: team.id, memberId, communeCode: team.communeCode });
  }

  app.get(
    '/api/teams',
    { onRequest: authenticate, schema: { response: { 200: teamListResponseSchema }, tags: ['teams'], summary: 'Teams in the caller’s scope' } },
    async (request, reply) => {
      const user = currentUser(request);
      const wide = user.role === 'admin' || user.role === 'coordinator';
      const teams = await roster.listTeams(wide ? { kind: 'scope', scope: user.scope } : { kind: 'team', teamId: user.teamId });
      noStore(reply);
      return {
        teams: teams.map(teamView).sort((a, b) => byName(a, b) || viCollator().compare(a.communeName, b.communeName)),
        canCreate: wide,
      };
    },
  );

  app.post(
    '/api/teams',
    { onRequest: authenticate, schema: { body: teamInputSchema, response: { 201: teamResponseSchema }, tags: ['teams'], summary: 'Create a team' } },
    async (request, reply) => {
      const user = currentUser(request);
      const body = request.body as z.output<typeof teamInputSchema>;
      const commune = findCommune(body.communeCode);
      if (commune === undefined) throw new ProblemError('request.invalid', 'Unknown commune.', { communeCode: 'invalidArea' });
      if (!mayCreateTeam(user, commune.provinceCode, commune.code)) throw new ProblemError('auth.forbidden');
      await checkHamlet(body.hamletId, commune.code);
      const id = uuidv7();
      await roster.createTeam({ id, name: body.name, provinceCode: commune.provinceCode, communeCode: commune.code, hamletId: body.hamletId });
      await audit(user, 'team.create', { id, communeCode: commune.code });
      const team = await roster.findTeam(id);
      if (team === undefined) throw new Error('team vanished after insert');
      return reply.status(201).send({ team: teamView(team) });
    },
  );

  app.get(
    '/api/teams/:teamId',
    { onRequest: authenticate, schema: { params: teamParamsSchema, response: { 200: teamDetailResponseSchema }, tags: ['teams'], summary: 'A team and its members (masked)' } },
    async (request, reply) => {
      const user = currentUser(request);
      const { teamId } = request.params as z.output<typeof teamParamsSchema>;
      const { team, access } = await loadTeam(user, teamId, 'read');
      const cipher = requireCipher(opts.cipher);
      const members = (await roster.listMembers(team.id))
        .map((m) => memberView(m, cipher))
        .sort((a, b) => (a.role === b.role ? 0 : a.role === 'leader' ? -1 : 1) || viCollator().compare(a.fullName, b.fullName));
      noStore(reply);
      return {
        team: teamView(team),
        members,
        permissions: { manageTeam: access.manageTeam, deleteTeam: access.deleteTeam, editMembers: access.editMembers, reveal: access.reveal },
      };
    },
  );

  app.patch(
    '/api/teams/:teamId',
    { onRequest: authenticate, schema: { params: teamParamsSchema, body: teamPatchSchema, response: { 200: teamResponseSchema }, tags: ['teams'], summary: 'Rename a team or change its hamlet' } },
    async (request) => {
      const user = currentUser(request);
      const { teamId } = request.params as z.output<typeof teamParamsSchema>;
      const body = request.body as z.output<typeof teamPatchSchema>;
      const { team } = await loadTeam(user, teamId, 'manageTeam');
      await checkHamlet(body.hamletId, team.communeCode);
      await roster.updateTeam(team.id, { name: body.name ?? team.name, hamletId: body.hamletId === undefined ? team.hamletId : body.hamletId });
      await audit(user, 'team.update', team);
      const updated = await roster.findTeam(team.id);
      if (updated === undefined) throw new ProblemError('not-found');
      return { team: teamView(updated) };
    },
  );

  app.delete(
    '/api/teams/:teamId',
    { onRequest: authenticate, schema: { params: teamParamsSchema, tags: ['teams'], summary: 'Delete a team and its member list' } },
    async (request, reply) => {
      const user = currentUser(request);
      const { teamId } = request.params as z.output<typeof teamParamsSchema>;
      const { team } = await loadTeam(user, teamId, 'deleteTeam');
      if ((await roster.countAccounts(team.id)) > 0) throw new ProblemError('roster.team-has-accounts');
      await roster.deleteTeam(team.id);
      await audit(user, 'team.delete', team);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/teams/:teamId/members',
    { onRequest: authenticate, schema: { params: teamParamsSchema, body: memberInputSchema, response: { 201: memberResponseSchema }, tags: ['teams'], summary: 'Add a member' } },
    async (request, reply) => {
      const user = currentUser(request);
      const { teamId } = request.params as z.output<typeof teamParamsSchema>;
      const body = request.body as MemberValues;
      const { team } = await loadTeam(user, teamId, 'editMembers');
      const cipher = requireCipher(opts.cipher);
      const hmac = cipher.hmac(body.cccd);
      await refuseListedCccd(team.communeCode, hmac, null);
      const id = uuidv7();
      const row: NewMember = {
        id, teamId: team.id, communeCode: team.communeCode, fullName: body.fullName, cccdCipher: cipher.encrypt(body.cccd, id),
        cccdHmac: hmac, phone: body.phone, birthYear: body.birthYear, sex: body.sex, affiliation: body.affiliation, role: body.role,
      };
      try {
        await roster.insertMembers([row], user.id);
      } catch (error) {
        if (error instanceof DuplicateCccdError) throw new ProblemError('roster.duplicate-cccd', undefined, { cccd: 'cccdDuplicate' });
        throw error;
      }
      await audit(user, 'member.create', team, id);
      const stored = await roster.findMember(team.id, id);
      if (stored === undefined) throw new Error('member vanished after insert');
      return reply.status(201).send({ member: memberView(stored, cipher) });
    },
  );

  app.patch(
    '/api/teams/:teamId/members/:memberId',
    { onRequest: authenticate, schema: { params: memberParamsSchema, body: memberPatchSchema, response: { 200: memberResponseSchema }, tags: ['teams'], summary: 'Edit a member' } },
    async (request) => {
      const user = currentUser(request);
      const { teamId, memberId } = request.params as z.output<typeof memberParamsSchema>;
      const patch = request.body as z.output<typeof memberPatchSchema>;
      const { team } = await loadTeam(user, teamId, 'editMembers');
      const cipher = requireCipher(opts.cipher);
      const current = await roster.findMember(team.id, memberId);
      if (current === undefined) throw new ProblemError('not-found');
      // The merged member is checked as a whole: a new birth year must still agree with the stored CCCD.
      const merged = memberInputSchema.safeParse({
        fullName: patch.fullName ?? current.fullName,
        cccd: patch.cccd ?? cipher.decrypt(current.cccdCipher, current.id),
        phone: patch.phone ?? current.phone,
        birthYear: patch.birthYear === undefined ? current.birthYear : patch.birthYear,
        sex: patch.sex === undefined ? current.sex : patch.sex,
        affiliation: patch.affiliation ?? current.affiliation,
        role: patch.role ?? current.role,
      });
      if (!merged.success) throw zodProblem(merged.error.issues, 'body');
      const m = merged.data;
      const hmac = cipher.hmac(m.cccd);
      if (hmac !== current.cccdHmac) await refuseListedCccd(team.communeCode, hmac, current.id);
      const row: NewMember = {
        id: current.id, teamId: team.id, communeCode: team.communeCode, fullName: m.fullName,
        cccdCipher: hmac === current.cccdHmac ? current.cccdCipher : cipher.encrypt(m.cccd, current.id), cccdHmac: hmac,
        phone: m.phone, birthYear: m.birthYear, sex: m.sex, affiliation: m.affiliation, role: m.role,
      };
      try {
        await roster.updateMember(row, user.id);
      } catch (error) {
        if (error instanceof DuplicateCccdError) throw new ProblemError('roster.duplicate-cccd', undefined, { cccd: 'cccdDuplicate' });
        throw error;
      }
      await audit(user, 'member.update', team, current.id);
      const stored = await roster.findMember(team.id, current.id);
      if (stored === undefined) throw new ProblemError('not-found');
      return { member: memberView(stored, cipher) };
    },
  );

  app.delete(
    '/api/teams/:teamId/members/:memberId',
    { onRequest: authenticate, schema: { params: memberParamsSchema, tags: ['teams'], summary: 'Remove a member' } },
    async (request, reply) => {
      const user = currentUser(request);
      const { teamId, memberId } = request.params as z.output<typeof memberParamsSchema>;
      const { team } = await loadTeam(user, teamId, 'editMembers');
      if ((await roster.findMember(team.id, memberId)) === undefined) throw new ProblemError('not-found');
      await roster.deleteMember(team.id, memberId);
      await audit(user, 'member.delete', team, memberId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/teams/:teamId/members/:memberId/reveal',
    { onRequest: authenticate, schema: { params: memberParamsSchema, response: { 200: revealResponseSchema }, tags: ['teams'], summary: 'A member’s whole CCCD and phone (audited)' } },
    async (request, reply) => {
      const user = currentUser(request);
      const { teamId, memberId } = request.params as z.output<typeof memberParamsSchema>;
      const { team } = await loadTeam(user, teamId, 'reveal');
      const cipher = requireCipher(opts.cipher);
      const member = await roster.findMember(team.id, memberId);
      if (member === undefined) throw new ProblemError('not-found');
      await audit(user, 'member.reveal', team, member.id);
      noStore(reply);
      return { cccd: cipher.decrypt(member.cccdCipher, member.id), phone: member.phone };
    },
  );

  app.get(
    '/api/areas/communes',
    { onRequest: authenticate, schema: { response: { 200: communesResponseSchema }, tags: ['teams'], summary: 'Communes the caller may pick' } },
    async (request) => ({ communes: communesInScope(currentUser(request).scope) }),
  );

  app.get(
    '/api/areas/communes/:communeCode/hamlets',
    { onRequest: authenticate, schema: { params: communeParamsSchema, response: { 200: hamletsResponseSchema }, tags: ['teams'], summary: 'A commune’s hamlets' } },
    async (request, reply) => {
      const user = currentUser(request);
      const { communeCode } = request.params as z.output<typeof communeParamsSchema>;
      const commune = findCommune(communeCode);
      if (commune === undefined) throw new ProblemError('not-found');
      if (!scopeAllows(user.scope, commune.provinceCode, commune.code)) throw new ProblemError('auth.forbidden');
      noStore(reply);
      return { hamlets: (await roster.listHamlets(commune.code)).sort(byName) };
    },
  );
}
