/**
 * Dates and numbers in vi-VN, whatever the UI language: these are Vietnamese records and officials read them so.
 * Each formatter is created once, on first use (Intl constructors are slow on low-end phones: made when this module
 * loaded, they held up the start page for tens of milliseconds before anything was formatted).
 */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

const numberFormat = once(() => new Intl.NumberFormat('vi-VN'));
const percentFormat = once(() => new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 0 }));
const dateFormat = once(() => new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric' }));
const dateTimeFormat = once(
  () => new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
);
const bytesFormat = once(() => new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }));

export const formatNumber = (n: number): string => numberFormat().format(n);
export const formatPercent = (part: number, whole: number): string =>
  percentFormat().format(whole === 0 ? 0 : part / whole);

/** Accepts an ISO date ("2026-11-22") or date-time; a plain date is read as a local calendar day. */
export function formatDate(iso: string): string {
  return dateFormat().format(parseLocal(iso));
}

export function formatDateTime(iso: string): string {
  return dateTimeFormat().format(new Date(iso));
}

function parseLocal(iso: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : new Date(iso);
}

/** Today as YYYY-MM-DD in the device's time zone (follow-up dates are calendar days). */
export function todayIso(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** bytes → "12,3 MB" */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${bytesFormat().format(v)} ${units[i]}`;
}
