/**
 * Failed logins per phone number: after `maxFailures` in `windowMs` the number is refused (429) until the window
 * passes, whatever IP the attempts come from. A successful login clears the count. In memory: one process owns the
 * data (see db/lock.ts); a restart forgetting the counts is acceptable.
 */
export interface PhoneLimiter {
  isBlocked(phone: string, now?: number): { blocked: boolean; retryAfterSeconds: number };
  recordFailure(phone: string, now?: number): void;
  clear(phone: string): void;
}

export function createPhoneLimiter(maxFailures: number, windowMs: number): PhoneLimiter {
  const failures = new Map<string, { count: number; resetAt: number }>();
  const sweep = (now: number) => {
    if (failures.size < 10_000) return;
    for (const [k, v] of failures) if (v.resetAt <= now) failures.delete(k);
  };
  return {
    isBlocked(phone, now = Date.now()) {
      const entry = failures.get(phone);
      if (entry === undefined || entry.resetAt <= now) return { blocked: false, retryAfterSeconds: 0 };
      return { blocked: entry.count >= maxFailures, retryAfterSeconds: Math.ceil((entry.resetAt - now) / 1000) };
    },
    recordFailure(phone, now = Date.now()) {
      sweep(now);
      const entry = failures.get(phone);
      if (entry === undefined || entry.resetAt <= now) failures.set(phone, { count: 1, resetAt: now + windowMs });
      else entry.count += 1;
    },
    clear(phone) {
      failures.delete(phone);
    },
  };
}
