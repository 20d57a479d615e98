/**
 * What a user may read and write. Admins: everything. Coordinators: a province, a commune, or the communes that
 * replaced a pre-2025 district. Team leaders and volunteers: their team's commune. Every pushed change and every
 * pulled row is checked against it.
 */
import type { ScopeKind } from '../db/schema.ts';

export type Scope =
  | { kind: 'all' }
  | { kind: 'province'; province: string }
  | { kind: 'communes'; communes: readonly string[] };

export function scopeFromRow(row: { scopeKind: ScopeKind; scopeProvince: string | null; scopeCommunes: string[] }): Scope {
  if (row.scopeKind === 'all') return { kind: 'all' };
  if (row.scopeKind === 'province') return { kind: 'province', province: row.scopeProvince ?? '' };
  return { kind: 'communes', communes: row.scopeCommunes };
}

export function scopeAllows(scope: Scope, provinceCode: string, communeCode: string): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'province':
      return scope.province === provinceCode;
    case 'communes':
      return scope.communes.includes(communeCode);
  }
}
