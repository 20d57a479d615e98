/**
 * The simulated network between the devices and the server: a `fetch` that routes the client's requests to the
 * real Fastify app through `inject` (no port), with faults chosen by a seeded PRNG:
 *  - drop: the request never reaches the server (the client sees a network error);
 *  - lost-response: the server handles (and commits) the request, then the answer is lost;
 *  - duplicate: the request is delivered twice, the client gets the second answer;
 *  - held: a push is held back (the client sees a network error) and delivered later, after newer pushes from the
 *    same device — an out-of-order batch.
 * The server itself is read through `server()` on every request, so a restart (a new app on the same database) is
 * picked up by the next request. Push answers that reach a device are watched for conflicts, so the simulation can
 * check that each conflict a device saw is recorded on the server.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Prng } from './prng.ts';

export const FAULT_KINDS = ['drop', 'lost-response', 'duplicate', 'held', 'delivered-late', 'restart'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRates {
  drop: number;
  lostResponse: number;
  duplicate: number;
  /** Pushes only. */
  hold: number;
}

export const DEFAULT_FAULT_RATES: FaultRates = { drop: 0.06, lostResponse: 0.06, duplicate: 0.05, hold: 0.05 };

export interface HeldRequest {
  device: string;
  request: InjectOptions;
}

export interface SeenConflict {
  device: string;
  entity: string;
  id: string;
}

interface PushAnswer {
  results?: { entity: string; id: string; status: string }[];
}

export class SimulatedNetwork {
  faultsOn = false;
  /** The device whose step is running: every request is attributed to it. */
  device = '';
  readonly counts: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<
    FaultKind,
    number
  >;
  readonly held: HeldRequest[] = [];
  readonly seenConflicts: SeenConflict[] = [];
  requests = 0;
  /** For debugging a failing seed: called with a line for every request and what happened to it. */
  trace: ((line: string) => void) | null = null;

  constructor(
    private readonly server: () => FastifyInstance,
    private readonly random: Prng,
    private readonly rates: FaultRates = DEFAULT_FAULT_RATES,
  ) {}

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const request = await toInject(input, init);
    this.requests += 1;
    const url = String(request.url);
    const faulty = this.faultsOn && url.startsWith('/api/sync/');
    if (this.trace) this.trace(`${this.device} ${String(request.method)} ${url} ${await bodyText(request)}`);
    if (faulty) {
      if (this.random.chance(this.rates.drop)) {
        this.counts.drop += 1;
        this.trace?.('  fault: drop');
        throw new TypeError('fetch failed (simulated: dropped)');
      }
      if (url === '/api/sync/push' && this.random.chance(this.rates.hold)) {
        this.counts.held += 1;
        this.trace?.('  fault: held');
        this.held.push({ device: this.device, request });
        throw new TypeError('fetch failed (simulated: held back)');
      }
      if (this.random.chance(this.rates.duplicate)) {
        this.counts.duplicate += 1;
        this.trace?.('  fault: duplicate');
        await this.server().inject(request);
      }
      if (this.random.chance(this.rates.lostResponse)) {
        this.counts['lost-response'] += 1;
        this.trace?.('  fault: lost-response');
        await this.server().inject(request);
        throw new TypeError('fetch failed (simulated: response lost)');
      }
    }
    const response = await this.server().inject(request);
    if (this.trace) this.trace(`  → ${response.statusCode} ${response.body}`);
    if (url === '/api/sync/push' && response.statusCode === 200) {
      const answer = response.json<PushAnswer>();
      for (const r of answer.results ?? []) {
        if (r.status === 'conflict') this.seenConflicts.push({ device: this.device, entity: r.entity, id: r.id });
      }
    }
    const headers = new Headers();
    const type = response.headers['content-type'];
    if (typeof type === 'string') headers.set('content-type', type);
    const empty = response.statusCode === 204 || response.statusCode === 304;
    return new Response(empty ? null : new Uint8Array(response.rawPayload), { status: response.statusCode, headers });
  };

  /** Delivers one held push (chosen at random) now, long after the device gave up on it. False when none is held. */
  async deliverOneHeld(): Promise<boolean> {
    if (this.held.length === 0) return false;
    const [held] = this.held.splice(this.random.int(0, this.held.length - 1), 1);
    if (held === undefined) return false;
    if (this.trace) this.trace(`late delivery from ${held.device}: ${await bodyText(held.request)}`);
    this.counts['delivered-late'] += 1;
    await this.server().inject(held.request);
    return true;
  }

  async deliverAllHeld(): Promise<void> {
    while (await this.deliverOneHeld());
  }

  get faultsInjected(): number {
    return this.counts.drop + this.counts['lost-response'] + this.counts.duplicate + this.counts.held;
  }
}

async function bodyText(request: InjectOptions): Promise<string> {
  const payload = request.payload;
  if (!(payload instanceof Buffer)) return '';
  if (request.headers?.['content-encoding'] === 'gzip') {
    const { gunzipSync } = await import('node:zlib');
    return gunzipSync(payload).toString();
  }
  return payload.toString();
}

async function toInject(input: RequestInfo | URL, init: RequestInit): Promise<InjectOptions> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.pathname + input.search : input.url;
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, key) => {
    headers[key] = value;
  });
  let payload: Buffer | undefined;
  const body = init.body;
  if (typeof body === 'string') payload = Buffer.from(body);
  else if (body instanceof Uint8Array) payload = Buffer.from(body);
  else if (body instanceof ArrayBuffer) payload = Buffer.from(new Uint8Array(body));
  else if (body !== undefined && body !== null) payload = Buffer.from(await new Response(body).arrayBuffer());
  const method = (init.method ?? 'GET').toUpperCase() as InjectOptions['method'];
  return { method, url, headers, ...(payload === undefined ? {} : { payload }) };
}
