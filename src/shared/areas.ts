/**
 * Vietnam's administrative units after the 2025 reform: province (2-digit code) → commune (5-digit code).
 * The list itself is a static asset fetched on demand (public/data/admin-units-2025.json), never bundled.
 * Hamlets (thôn, tổ dân phố, ấp, bản…) have no national code list: they are records created per commune.
 */
export interface Commune {
  code: string;
  name: string;
  type: string;
}
export interface Province extends Commune {
  communes: Commune[];
}
export interface AdminUnits {
  provinces: Province[];
}

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const unit = (v: Fields): Commune | null =>
  typeof v.code === 'string' && typeof v.name === 'string' && typeof v.type === 'string'
    ? { code: v.code, name: v.name, type: v.type }
    : null;

/**
 * The list's shape, checked by hand (known fields kept, others dropped): null when anything is off. Not a zod schema,
 * unlike every other record (Decision 1): its 3,355 units went through zod in ~50 ms of a slow phone's start page, a
 * plain loop takes about one.
 */
export function parseAdminUnits(value: unknown): AdminUnits | null {
  if (!isObject(value) || !Array.isArray(value.provinces)) return null;
  const provinces: Province[] = [];
  for (const p of value.provinces as unknown[]) {
    if (!isObject(p) || !Array.isArray(p.communes)) return null;
    const province = unit(p);
    if (province === null) return null;
    const communes: Commune[] = [];
    for (const c of p.communes as unknown[]) {
      const commune = isObject(c) ? unit(c) : null;
      if (commune === null) return null;
      communes.push(commune);
    }
    provinces.push({ ...province, communes });
  }
  return { provinces };
}

/** "xã" + "Yên Lạc" → "Xã Yên Lạc" (the data keeps the type and the short name apart). */
export function fullUnitName(unit: { type: string; name: string }): string {
  const type = unit.type.charAt(0).toLocaleUpperCase('vi') + unit.type.slice(1);
  return `${type} ${unit.name}`;
}
