/**
 * Sends residents' queued self-checks (db/self-checks.ts) through the public endpoint, with no account: at start,
 * whenever the device comes back online, every two minutes while something waits, and right after a send is queued.
 * One pass at a time per tab; two tabs sending the same self-check are harmless (the server answers `duplicate`).
 * A code the server will never take (unknown or revoked, bad content) marks the send refused, kept for the resident
 * to see; anything else (no network, timeout, rate limit, server down) leaves it queued for the next pass.
 */
import { selfCheckReceiptSchema, linkLookupSchema } from '../../../shared/household-link.ts';
import { apiFetch, ApiError } from '../../lib/api.ts';
import { listQueuedSends, markSendFailed, markSendRefused, markSendSent } from '../../db/self-checks.ts';

const RETRY_MS = 2 * 60 * 1000;

/** Problems after which sending the same self-check again can never succeed. */
function isFinal(error: ApiError): boolean {
  if (error.status === 429 || error.status === 408 || error.status === 0 || error.status >= 500) return false;
  return error.status >= 400;
}

let running: Promise<void> | null = null;

/** Sends what is queued; resolves when the pass is over (a pass already running is joined, not repeated). */
export function sendQueuedSelfChecks(): Promise<void> {
  running ??= (async () => {
    try {
      for (const entry of await listQueuedSends()) {
        try {
          const body = await apiFetch(`/links/${entry.code}/self-checks`, {
            method: 'POST',
            auth: false,
            body: { id: entry.id, answeredAt: entry.answeredAt, answers: entry.answers },
          });
          if (!selfCheckReceiptSchema.safeParse(body).success) throw new ApiError('bad-response', 200);
          await markSendSent(entry.id);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          if (isFinal(error)) {
            await markSendRefused(entry.id, error.code);
          } else {
            await markSendFailed(entry.id, error.code);
            break; // offline or throttled: the rest would fail the same way
          }
        }
      }
    } finally {
      running = null;
    }
  })();
  return running;
}

/** Starts the background sender; returns the function that stops it. */
export function startSelfCheckSender(): () => void {
  const run = () => {
    void sendQueuedSelfChecks().catch(() => undefined);
  };
  run();
  window.addEventListener('online', run);
  const timer = window.setInterval(run, RETRY_MS);
  return () => {
    window.removeEventListener('online', run);
    window.clearInterval(timer);
  };
}

/** The hamlet name a code reveals, or the ApiError (`link.not-found`, `network`, …). */
export async function lookupHouseholdLink(code: string): Promise<string> {
  const parsed = linkLookupSchema.safeParse(await apiFetch(`/links/${code}`, { auth: false, timeoutMs: 10_000 }));
  if (!parsed.success) throw new ApiError('bad-response', 200);
  return parsed.data.hamletName;
}
