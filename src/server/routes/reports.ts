/**
 * Reports (contract: src/shared/totals.ts). Thin: authenticate, parse, authorize the node, call the services.
 *   GET  /api/reports/roots                       where the caller's reports start, and whether they may export
 *   GET  /api/reports/totals?kind&id&from&to      totals of a node and its children, weekly visits, the stamp
 *   POST /api/reports/export-links                a short-lived download link (the token never goes in a URL)
 *   GET  /api/reports/export?…&format&rows        CSV, XLSX or the A4 page; bearer token or `ticket`
 * Volunteers read only their own totals and never export; everyone else reads and exports within their scope.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/swagger';
import {
  exportLinkRequestSchema, exportLinkSchema, exportQuerySchema, reportRootsSchema, totalsAnswerSchema, totalsQuerySchema,
  dayNumber, type ExportLang, type ExportLinkRequest, type ExportQuery, type TotalsQuery,
} from '../../shared/totals.ts';
import type { Database } from '../db/client.ts';
import { sessionsRepository } from '../db/sessions.ts';
import { currentUser, type AuthUser } from '../auth/authenticate.ts';
import { scopeFromRow } from '../auth/scope.ts';
import { ProblemError } from '../problem-error.ts';
import type { Aggregator } from '../services/aggregator.ts';
import { authorizedNode, reportRoots, totalsAnswer } from '../services/totals.ts';
import {
  A4_CONTENT_SECURITY_POLICY, a4Html, householdLines, summaryCsv, writeHouseholdsCsv, writeHouseholdsXlsx, writeSummaryXlsx,
} from '../services/exports.ts';

/** A download link lives this long. */
export const EXPORT_LINK_TTL_MS = 2 * 60_000;

interface TicketPayload {
  /** account id */
  u: string;
  /** session token hash: the link dies with the login */
  h: string;
  /** expiry, ms since epoch */
  e: number;
  q: ExportLinkRequest;
}

/** Signed, short-lived download tickets (HMAC-SHA256 with a key made at start: links do not outlive the process). */
export function ticketSigner(key: Buffer = randomBytes(32)) {
  const mac = (body: string) => createHmac('sha256', key).update(body).digest('base64url');
  return {
    sign(payload: TicketPayload): string {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    verify(ticket: string, now: number = Date.now()): TicketPayload | null {
      const [body, sig] = ticket.split('.');
      if (body === undefined || sig === undefined) return null;
      const expected = Buffer.from(mac(body));
      const given = Buffer.from(sig);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
      try {
        const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TicketPayload;
        return payload.e > now ? payload : null;
      } catch {
        return null;
      }
    },
  };
}

const FILE_NAME_SAFE = /[^A-Za-z0-9_-]+/g;

function fileName(q: { kind: string; id: string; from: string; to: string; rows: string }, ext: string): string {
  const base = `tung-nha-${q.rows === 'households' ? 'ho' : 'tong-hop'}-${q.kind}-${q.id.slice(0, 8)}-${q.from}-${q.to}`;
  return `${base.replace(FILE_NAME_SAFE, '-')}.${ext}`;
}

export function reportRoutes(
  app: FastifyInstance,
  opts: { database: Database; authenticate: (request: FastifyRequest) => Promise<void>; aggregator: Aggregator },
): void {
  const { database, authenticate, aggregator } = opts;
  const db = database.db;
  const tickets = ticketSigner();

  /** Bearer token, or a ticket whose login is still valid (the link was made for this very request). */
  async function authenticateExport(request: FastifyRequest): Promise<void> {
    const ticket = (request.query as { ticket?: unknown } | undefined)?.ticket;
    if (typeof ticket !== 'string') return authenticate(request);
    const payload = tickets.verify(ticket);
    if (payload === null) throw new ProblemError('reports.link-expired');
    const found = await sessionsRepository(db).lookup(payload.h);
    if (found.status !== 'valid' || found.user.id !== payload.u) throw new ProblemError('reports.link-expired');
    const u = found.user;
    const user: AuthUser = {
      id: u.id, name: u.name, phone: u.phone, role: u.role, scope: scopeFromRow(u), scopeLabel: u.scopeLabel,
      teamId: u.teamId, tokenHash: payload.h,
    };
    request.authUser = user;
    (request as FastifyRequest & { ticketQuery?: ExportLinkRequest }).ticketQuery = payload.q;
  }

  app.get(
    '/api/reports/roots',
    { onRequest: authenticate, schema: { response: { 200: reportRootsSchema }, tags: ['reports'], summary: 'Where the caller\'s reports start' } },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return reportRoots(db, currentUser(request));
    },
  );

  app.get(
    '/api/reports/totals',
    {
      onRequest: authenticate,
      schema: {
        querystring: totalsQuerySchema, response: { 200: totalsAnswerSchema }, tags: ['reports'],
        summary: 'Totals of a province, pre-2025 district, commune, hamlet, team or volunteer for a period, with its children',
      },
    },
    async (request, reply) => {
      const q = request.query as TotalsQuery;
      const user = currentUser(request);
      const node = await authorizedNode(db, user, q.kind, q.id, false);
      reply.header('Cache-Control', 'no-store');
      return totalsAnswer(db, aggregator, user, node, q);
    },
  );

  app.post(
    '/api/reports/export-links',
    {
      onRequest: authenticate,
      schema: { body: exportLinkRequestSchema, response: { 200: exportLinkSchema }, tags: ['reports'], summary: 'A short-lived download link for an export' },
    },
    async (request) => {
      const q = request.body as ExportLinkRequest;
      const user = currentUser(request);
      await authorizedNode(db, user, q.kind, q.id, true);
      const expires = Date.now() + EXPORT_LINK_TTL_MS;
      const params = new URLSearchParams({ kind: q.kind, id: q.id, from: q.from, to: q.to, format: q.format, rows: q.rows, lang: q.lang });
      params.set('ticket', tickets.sign({ u: user.id, h: user.tokenHash, e: expires, q }));
      return { href: `/api/reports/export?${params.toString()}`, expiresAt: new Date(expires).toISOString() };
    },
  );

  app.get(
    '/api/reports/export',
    {
      onRequest: authenticateExport,
      schema: {
        querystring: exportQuerySchema, tags: ['reports'],
        summary: 'Export totals: CSV (UTF-8 with BOM), XLSX, or the printable A4 page; rows=households for one row per household',
        description: 'Every file is stamped with the time, the change sequence number it reflects and the devices in scope not synced for 7 days.',
      },
    },
    async (request, reply) => {
      const q = request.query as ExportQuery;
      const user = currentUser(request);
      const fromTicket = (request as FastifyRequest & { ticketQuery?: ExportLinkRequest }).ticketQuery;
      if (fromTicket !== undefined &&
          (fromTicket.kind !== q.kind || fromTicket.id !== q.id || fromTicket.from !== q.from || fromTicket.to !== q.to ||
           fromTicket.format !== q.format || fromTicket.rows !== q.rows || fromTicket.lang !== q.lang)) {
        throw new ProblemError('reports.link-expired');
      }
      const node = await authorizedNode(db, user, q.kind, q.id, true);
      const lang = q.lang;
      reply.header('Cache-Control', 'no-store');
      if (q.rows === 'households') return exportHouseholds(reply, user, node, q, lang);

      const answer = await totalsAnswer(db, aggregator, user, node, q);
      if (q.format === 'a4') {
        return reply
          .type('text/html; charset=utf-8')
          .header('Content-Security-Policy', A4_CONTENT_SECURITY_POLICY)
          .send(a4Html(answer, node, lang));
      }
      if (q.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${fileName(q, 'csv')}"`)
          .send(summaryCsv(answer, lang));
      }
      const out = new PassThrough();
      writeSummaryXlsx(out, answer, lang).catch((error: unknown) => out.destroy(error as Error));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('Content-Disposition', `attachment; filename="${fileName(q, 'xlsx')}"`)
        .send(out);
    },
  );

  /** One row per household, streamed while the aggregates hold still (the stamp and the rows agree). */
  async function exportHouseholds(
    reply: FastifyReply, user: AuthUser, node: Awaited<ReturnType<typeof authorizedNode>>, q: ExportQuery, lang: ExportLang,
  ): Promise<FastifyReply> {
    await aggregator.catchUp(2000);
    const out = new PassThrough();
    let started!: (answer: Awaited<ReturnType<typeof totalsAnswer>>) => void;
    const ready = new Promise<Awaited<ReturnType<typeof totalsAnswer>>>((resolve) => (started = resolve));
    const done = aggregator.hold(async () => {
      const answer = await totalsAnswer(db, aggregator, user, node, q, { catchUp: false });
      started(answer);
      const lines = householdLines(db, node, dayNumber(q.from), dayNumber(q.to));
      if (q.format === 'csv') await writeHouseholdsCsv(out, lines, answer, lang);
      else await writeHouseholdsXlsx(out, lines, answer, lang);
    });
    done.catch((error: unknown) => out.destroy(error as Error));
    await Promise.race([ready, done]);
    const csv = q.format === 'csv';
    return reply
      .type(csv ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('Content-Disposition', `attachment; filename="${fileName(q, csv ? 'csv' : 'xlsx')}"`)
      .send(out);
  }
}
