/**
 * Vietnam's administrative units after the 2025 reform: province (2-digit code) → commune (5-digit code).
 * The list itself is a static asset fetched on demand (public/data/admin-units-2025.json), never bundled.
 * Hamlets (thôn, tổ dân phố, ấp, bản…) have no national code list: they are records created per commune.
 */
import * as z from 'zod/mini';

export const communeSchema = z.object({ code: z.string(), name: z.string(), type: z.string() });
export const provinceSchema = z.object({
  code: z.string(),
  name: z.string(),
  type: z.string(),
  communes: z.array(communeSchema),
});
export const adminUnitsSchema = z.object({ provinces: z.array(provinceSchema) });

export type Commune = z.output<typeof communeSchema>;
export type Province = z.output<typeof provinceSchema>;
export type AdminUnits = z.output<typeof adminUnitsSchema>;

/** "xã" + "Yên Lạc" → "Xã Yên Lạc" (the data keeps the type and the short name apart). */
export function fullUnitName(unit: { type: string; name: string }): string {
  const type = unit.type.charAt(0).toLocaleUpperCase('vi') + unit.type.slice(1);
  return `${type} ${unit.name}`;
}
