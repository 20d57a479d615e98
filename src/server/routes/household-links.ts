/**
 * Household links (contract: src/shared/household-link.ts).
 *   POST /api/household-links                      { householdId } → the new code (volunteer in scope; shown once)
 *   GET  /api/households/:householdId/links         the household's links: hints and dates, never codes
 *   POST /api/household-links/:id/revoke            the code stops working for good
 * Public, no account, rate-limited per client IP and per code:
 *   GET  /api/links/:code                           { hamletName } — all a code reveals
 *   POST /api/links/:code/self-checks               a resident's self-check → { status: applied | duplicate }
 * Unknown and revoked codes both answer 404 `link.not-found`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/swagger';
import type {} from '@fastify/rate-limit';
import * as z from 'zod/mini';
import {
  createHouseholdLinkSchema,
  householdLinkCreatedSchema,
  householdLinkListSchema,
  householdLinkSummarySchema,
  linkLookupSchema,
  normalizeLinkCode,
  selfCheckReceiptSchema,
} from '../../shared/household-link.ts';
import { selfCheckSubmissionSchema, type SelfCheckSubmission } from '../../shared/self-check.ts';
import { UUID_PATTERN } from '../../shared/ids.ts';
import type { Database } from '../db/client.ts';
import { currentUser } from '../auth/authenticate.ts';
import { ProblemError } from '../problem-error.ts';
import {
  createHouseholdLink,
  hashLinkCode,
  listHouseholdLinks,
  lookupLinkCode,
  revokeHouseholdLink,
  submitSelfCheck,
} from '../services/household-links.ts';

const uuid = () => z.string().check(z.regex(UUID_PATTERN, 'invalidId'));
const householdParamsSchema = z.strictObject({ householdId: uuid() });
const linkParamsSchema = z.strictObject({ id: uuid() });
const codeParamsSchema = z.strictObject({
  code: z.string().check(z.maxLength(40, 'tooLong'), z.refine((s) => normalizeLinkCode(s) !== null, 'invalid')),
});

export interface HouseholdLinkLimits {
  /** Public requests (lookups and submissions together) per client IP per hour. */
  perIpPerHour: number;
  /** Public requests per code per hour. */
  perCodePerHour: number;
}

const HOUR_MS = 60 * 60 * 1000;

export function householdLinkRoutes(
  app: FastifyInstance,
  opts: { database: Database; authenticate: (request: FastifyRequest) => Promise<void>; limits: HouseholdLinkLimits },
): void {
  const { database, authenticate } = opts;
  const perIp = app.createRateLimit({ max: opts.limits.perIpPerHour, timeWindow: HOUR_MS });
  // Keyed by the code's hash, so the limiter's memory holds no working code.
  const perCode = app.createRateLimit({
    max: opts.limits.perCodePerHour,
    timeWindow: HOUR_MS,
    keyGenerator: (request) => `code:${hashLinkCode(normalizeLinkCode((request.params as { code?: string }).code ?? '') ?? '')}`,
  });

  /** Both budgets are spent on every public request, before the body is read or the database asked. */
  async function limitPublic(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    for (const limiter of [perIp, perCode]) {
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) {
        reply.header('Retry-After', String(result.ttlInSeconds));
        throw new ProblemError('rate-limited');
      }
    }
  }

  app.post(
    '/api/household-links',
    {
      onRequest: authenticate,
      schema: { body: createHouseholdLinkSchema, response: { 201: householdLinkCreatedSchema }, tags: ['household-links'], summary: 'Create a link code for a household (the code is shown once)' },
    },
    async (request, reply) => {
      const { householdId } = request.body as z.output<typeof createHouseholdLinkSchema>;
      const created = await createHouseholdLink(database.db, currentUser(request), householdId);
      reply.header('Cache-Control', 'no-store');
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/households/:householdId/links',
    {
      onRequest: authenticate,
      schema: { params: householdParamsSchema, response: { 200: householdLinkListSchema }, tags: ['household-links'], summary: 'A household\'s link codes (hints only)' },
    },
    async (request, reply) => {
      const { householdId } = request.params as z.output<typeof householdParamsSchema>;
      reply.header('Cache-Control', 'no-store');
      return { links: await listHouseholdLinks(database.db, currentUser(request), householdId) };
    },
  );

  app.post(
    '/api/household-links/:id/revoke',
    {
      onRequest: authenticate,
      schema: { params: linkParamsSchema, response: { 200: householdLinkSummarySchema }, tags: ['household-links'], summary: 'Revoke a link code' },
    },
    async (request) => {
      const { id } = request.params as z.output<typeof linkParamsSchema>;
      return revokeHouseholdLink(database.db, currentUser(request), id);
    },
  );

  app.get(
    '/api/links/:code',
    {
      onRequest: limitPublic,
      schema: { params: codeParamsSchema, response: { 200: linkLookupSchema }, tags: ['household-links'], summary: 'What a household link code reveals: the hamlet name' },
    },
    async (request, reply) => {
      const code = normalizeLinkCode((request.params as z.output<typeof codeParamsSchema>).code) ?? '';
      reply.header('Cache-Control', 'no-store');
      return lookupLinkCode(database.db, code);
    },
  );

  app.post(
    '/api/links/:code/self-checks',
    {
      onRequest: limitPublic,
      bodyLimit: 16 * 1024,
      schema: { params: codeParamsSchema, body: selfCheckSubmissionSchema, response: { 200: selfCheckReceiptSchema }, tags: ['household-links'], summary: 'Send a resident\'s self-check to the household of a link code (no account)' },
    },
    async (request, reply) => {
      const code = normalizeLinkCode((request.params as z.output<typeof codeParamsSchema>).code) ?? '';
      reply.header('Cache-Control', 'no-store');
      return submitSelfCheck(database.db, code, request.body as SelfCheckSubmission);
    },
  );
}
