/**
 * The one way the client talks to the server: same origin under /api, JSON in and out, the device's bearer token,
 * a timeout on every request, request bodies over ~1 KB gzip'd when the browser can (CompressionStream), and every
 * failure turned into an `ApiError` whose `code` comes from the Problem catalogue (src/shared/problems.ts), so
 * screens branch on codes and show the translated message. A 401 on an authenticated request is a
 * `NeedsLoginError`: the person must log in again; nothing local is touched.
 * The token and request bodies (phones!) are never logged.
 */
import { isProblemCode, type ProblemCode } from '../../shared/problems.ts';
import { getSession } from '../db/sync-state.ts';

export const API_BASE = '/api';
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Bodies larger than this are compressed (when the browser supports CompressionStream). */
export const GZIP_THRESHOLD_BYTES = 1024;

/** Codes for failures that never reached a Problem body. */
export type TransportCode = 'network' | 'timeout' | 'bad-response';
export type ApiErrorCode = ProblemCode | TransportCode;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    /** HTTP status, 0 when no response arrived. */
    readonly status: number,
    readonly fields?: Record<string, string>,
  ) {
    super(`API error ${code}`);
    this.name = 'ApiError';
  }
}

/** The session is missing, expired or revoked: log in again (the outbox waits). */
export class NeedsLoginError extends ApiError {
  constructor(code: ApiErrorCode = 'auth.required') {
    super(code, 401);
    this.name = 'NeedsLoginError';
  }
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Send the stored bearer token (default true). Login sends none. */
  auth?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function encodeBody(body: unknown, headers: Headers): Promise<BodyInit | undefined> {
  if (body === undefined) return undefined;
  const json = JSON.stringify(body);
  headers.set('Content-Type', 'application/json');
  if (typeof CompressionStream === 'function' && new TextEncoder().encode(json).length > GZIP_THRESHOLD_BYTES) {
    headers.set('Content-Encoding', 'gzip');
    return gzip(json);
  }
  return json;
}

function problemFrom(status: number, body: unknown): ApiError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { code?: unknown; fields?: unknown };
  const fields =
    typeof b.fields === 'object' && b.fields !== null ? (b.fields as Record<string, string>) : undefined;
  if (isProblemCode(b.code)) return new ApiError(b.code, status, fields);
  if (status === 401) return new ApiError('auth.required', status);
  if (status === 503) return new ApiError('unavailable', status);
  if (status >= 500) return new ApiError('internal', status);
  return new ApiError('bad-response', status);
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Calls `/api${path}` and returns the parsed JSON body (undefined for 204). Throws ApiError / NeedsLoginError. */
export async function apiFetch(path: string, request: ApiRequest = {}): Promise<unknown> {
  const headers = new Headers({ Accept: 'application/json' });
  const useAuth = request.auth ?? true;
  if (useAuth) {
    const session = await getSession();
    if (!session) throw new NeedsLoginError('auth.required');
    headers.set('Authorization', `Bearer ${session.token}`);
  }
  const body = await encodeBody(request.body, headers);

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const onOuterAbort = () => controller.abort();
  request.signal?.addEventListener('abort', onOuterAbort, { once: true });

  try {
    let response: Response;
    try {
      response = await fetch(`${API_BASE}${path}`, {
        method: request.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body,
        signal: controller.signal,
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(timedOut ? 'timeout' : 'network', 0);
    }
    const data = await readJson(response).catch(() => {
      throw new ApiError(timedOut ? 'timeout' : 'network', response.status);
    });
    if (response.ok) return data;
    const error = problemFrom(response.status, data);
    if (response.status === 401 && useAuth) throw new NeedsLoginError(error.code);
    throw error;
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onOuterAbort);
  }
}
