/**
 * The reports endpoints (src/server/routes/reports.ts) as typed calls, every answer checked against the shared
 * contract (src/shared/totals.ts): an answer the app does not understand is an ApiError 'bad-response'.
 * Downloads go through a short-lived link the server signs, so the login token never appears in a URL.
 */
import type * as z from 'zod/mini';
import { ApiError, apiFetch } from '../../lib/api.ts';
import {
  exportLinkSchema,
  reportRootsSchema,
  totalsAnswerSchema,
  type ExportFormat,
  type ExportLang,
  type ExportRows,
  type NodeKind,
  type ReportRoots,
  type TotalsAnswer,
} from '../../../shared/totals.ts';

function expect<S extends z.ZodMiniType>(schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ApiError('bad-response', 200);
  return parsed.data;
}

export interface NodePeriod {
  kind: NodeKind;
  id: string;
  from: string;
  to: string;
}

export async function fetchRoots(): Promise<ReportRoots> {
  return expect(reportRootsSchema, await apiFetch('/reports/roots'));
}

export async function fetchTotals(q: NodePeriod): Promise<TotalsAnswer> {
  const params = new URLSearchParams({ kind: q.kind, id: q.id, from: q.from, to: q.to });
  return expect(totalsAnswerSchema, await apiFetch(`/reports/totals?${params.toString()}`, { timeoutMs: 60_000 }));
}

export async function exportLink(q: NodePeriod & { format: ExportFormat; rows: ExportRows; lang: ExportLang }): Promise<string> {
  const data = await apiFetch('/reports/export-links', { method: 'POST', body: q });
  return expect(exportLinkSchema, data).href;
}
