/**
 * An in-memory model of the server's sync contract (src/server/routes/{auth,sync}.ts), plugged in by stubbing the
 * global fetch. It applies pushes the way the server does (visits: duplicate / id conflict; mutable records:
 * baseVersion check, stale → conflict stored with both versions), pages pulls by a sequence cursor, and can be told
 * to misbehave: lose a response after applying, expire the session, serve a malformed page, run code while a
 * push is in flight.
 */
import { vi } from 'vitest';
import type { Entity } from '../../../src/shared/records.ts';
import { pushRequestSchema, type PushResult } from '../../../src/shared/sync.ts';
import { problem, type ProblemCode } from '../../../src/shared/problems.ts';

export const USER = {
  id: '0190a000-0000-7000-8000-000000000001',
  name: 'Nguyễn Thị Hoa',
  phone: '0912•••678',
  role: 'volunteer',
  scope: { kind: 'communes', communes: ['00004'] },
  scopeLabel: 'Phường Ba Đình, Hà Nội',
  teamId: null,
};
export const PHONE = '0912345678';
export const PASSWORD = 'mat-khau-dung';

interface Stored {
  entity: Entity;
  record: Record<string, unknown>;
  version: number;
  seq: number;
}

interface Conflict {
  id: string;
  entity: Entity;
  recordId: string;
  problem: string;
  baseVersion: number | null;
  serverVersion: number;
  serverRecord: Record<string, unknown>;
  deviceRecord: Record<string, unknown>;
  createdAt: string;
  resolved: boolean;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== 'version' && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const json = (status: number, body: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
const fail = (code: ProblemCode) => json(problem(code).status, problem(code));

export class FakeServer {
  records = new Map<string, Stored>();
  conflicts: Conflict[] = [];
  seq = 0;
  tokens = new Set<string>();
  /** Every change received, in order (to count re-sends). */
  received: { entity: Entity; id: string; baseVersion: number | null }[] = [];
  pushEncodings: (string | null)[] = [];
  /** Runs while a push request is in flight, after the server has read the body. */
  duringPush: (() => Promise<void>) | null = null;
  /** Apply the next push, then drop the connection before the device hears the answer. */
  loseNextPushResponse = false;
  /** Replace the next pull answer. */
  nextPullOverride: ((after: number) => unknown) | null = null;
  /** Record id → the problem the server refuses it with. */
  reject = new Map<string, ProblemCode>();
  private conflictCounter = 0;

  readonly fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), 'http://localhost');
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    if (url.pathname === '/api/auth/login' && method === 'POST') return this.login(await this.body(init, headers));
    const token = /^Bearer (.+)$/.exec(headers.get('Authorization') ?? '')?.[1];
    if (token === undefined || !this.tokens.has(token)) return fail(token === undefined ? 'auth.required' : 'auth.session-expired');
    if (url.pathname === '/api/auth/logout' && method === 'POST') {
      this.tokens.delete(token);
      return new Response(null, { status: 204 });
    }
    if (url.pathname === '/api/sync/push' && method === 'POST') {
      this.pushEncodings.push(headers.get('Content-Encoding'));
      return this.push(await this.body(init, headers));
    }
    if (url.pathname === '/api/sync/pull') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 500);
      if (this.nextPullOverride) {
        const override = this.nextPullOverride;
        this.nextPullOverride = null;
        return json(200, override(after));
      }
      return json(200, this.pull(after, limit));
    }
    if (url.pathname === '/api/sync/conflicts') {
      const open = this.conflicts.filter((c) => !c.resolved).map(({ resolved: _r, ...c }) => c);
      return json(200, { conflicts: open });
    }
    const resolve = /^\/api\/sync\/conflicts\/([^/]+)\/resolve$/.exec(url.pathname);
    if (resolve && method === 'POST') {
      return this.resolve(resolve[1]!, (await this.body(init, headers)) as { choice: 'device' | 'server' });
    }
    return fail('not-found');
  });

  install(): void {
    vi.stubGlobal('fetch', this.fetch);
  }

  private async body(init: RequestInit | undefined, headers: Headers): Promise<unknown> {
    const raw = init?.body;
    if (raw === undefined || raw === null) return undefined;
    if (headers.get('Content-Encoding') === 'gzip') {
      const stream = new Response(raw as BodyInit).body!.pipeThrough(new DecompressionStream('gzip'));
      return JSON.parse(await new Response(stream).text());
    }
    return JSON.parse(String(raw));
  }

  private login(body: unknown): Response {
    const { phone, password } = body as { phone: string; password: string };
    if (phone.replace(/\s/g, '') !== PHONE || password !== PASSWORD) return fail('auth.invalid-credentials');
    const token = `token-${this.tokens.size + 1}-abcdefghijklmnopqrstuvwxyz`;
    this.tokens.add(token);
    return json(200, { token, expiresAt: new Date(Date.now() + 86_400_000).toISOString(), user: USER });
  }

  /** The session the device holds is no longer valid (expired or revoked). */
  expireSessions(): void {
    this.tokens.clear();
  }

  private store(entity: Entity, record: Record<string, unknown>, version: number): Stored {
    this.seq += 1;
    const stored = { entity, record: { ...record, version: entity === 'visit' ? undefined : version }, version, seq: this.seq };
    if (entity === 'visit') delete stored.record.version;
    this.records.set(`${entity}:${String(record.id)}`, stored);
    return stored;
  }

  /** Another device changes a record on the server. */
  editElsewhere(entity: Entity, id: string, patch: Record<string, unknown>): void {
    const current = this.records.get(`${entity}:${id}`)!;
    this.store(entity, { ...current.record, ...patch }, current.version + 1);
  }

  /** Another device creates a record on the server. */
  seed(entity: Entity, record: Record<string, unknown>): void {
    this.store(entity, record, 1);
  }

  get(entity: Entity, id: string): Stored | undefined {
    return this.records.get(`${entity}:${id}`);
  }

  private async push(body: unknown): Promise<Response> {
    const parsed = pushRequestSchema.safeParse(body);
    if (!parsed.success) return fail('request.invalid');
    if (this.duringPush) {
      const hook = this.duringPush;
      this.duringPush = null;
      await hook();
    }
    const results: PushResult[] = [];
    for (const change of parsed.data.changes) {
      const record = change.record as unknown as Record<string, unknown>;
      const id = String(record.id);
      this.received.push({ entity: change.entity, id, baseVersion: change.baseVersion });
      const refusal = this.reject.get(id);
      if (refusal) {
        results.push({ entity: change.entity, id, status: 'rejected', problem: refusal });
        continue;
      }
      const existing = this.get(change.entity, id);
      if (existing && canonical(existing.record) === canonical(record)) {
        results.push({ entity: change.entity, id, status: 'duplicate', seq: existing.seq, version: existing.version });
        continue;
      }
      if (existing && (change.entity === 'visit' || change.baseVersion !== existing.version)) {
        const code = change.entity === 'visit' ? 'sync.id-conflict' : 'sync.stale-version';
        this.conflicts.push({
          id: `0190b000-0000-7000-8000-${String(++this.conflictCounter).padStart(12, '0')}`,
          entity: change.entity, recordId: id, problem: code, baseVersion: change.baseVersion,
          serverVersion: existing.version, serverRecord: existing.record, deviceRecord: record,
          createdAt: new Date().toISOString(), resolved: false,
        });
        results.push({ entity: change.entity, id, status: 'conflict', problem: code, version: existing.version, seq: existing.seq });
        continue;
      }
      const stored = this.store(change.entity, record, (existing?.version ?? 0) + 1);
      results.push({ entity: change.entity, id, status: 'applied', seq: stored.seq, version: stored.version });
    }
    if (this.loseNextPushResponse) {
      this.loseNextPushResponse = false;
      throw new TypeError('Failed to fetch');
    }
    return json(200, { results });
  }

  pull(after: number, limit: number) {
    const rows = [...this.records.values()].filter((r) => r.seq > after).sort((a, b) => a.seq - b.seq);
    const page = rows.slice(0, limit);
    return {
      changes: page.map((r) => ({ seq: r.seq, entity: r.entity, record: r.record })),
      cursor: page.at(-1)?.seq ?? after,
      hasMore: rows.length > limit,
    };
  }

  private resolve(id: string, body: { choice: 'device' | 'server' }): Response {
    const conflict = this.conflicts.find((c) => c.id === id && !c.resolved);
    if (!conflict) return fail('not-found');
    const stored = this.get(conflict.entity, conflict.recordId)!;
    conflict.resolved = true;
    if (body.choice === 'server') {
      return json(200, { conflictId: id, choice: 'server', version: stored.version, seq: stored.seq });
    }
    const next = this.store(conflict.entity, conflict.deviceRecord, stored.version + 1);
    return json(200, { conflictId: id, choice: 'device', version: next.version, seq: next.seq });
  }
}
