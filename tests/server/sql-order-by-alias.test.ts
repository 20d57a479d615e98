/**
 * `SELECT seq::float8 AS seq … ORDER BY seq` orders by the output column (a float), not by `records.seq`: PostgreSQL
 * cannot walk the bigint index for it and sorts every row the WHERE lets through. The aggregator's catch-up check did
 * that on every report: 1.8 s at 1,000,000 visits on PGlite with nothing waiting. Which plan a small test database
 * gets says little (a sort is cheap there), so this holds the source to the rule instead: a statement that renames a
 * cast column to the column's own name orders by the qualified column.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Each SQL statement: the text of a tagged `sql` template, or of a string that starts with a SELECT. */
function statements(source: string): string[] {
  return [...source.matchAll(/sql`([^`]*)`/g), ...source.matchAll(/'(SELECT [^']*)'/g)].map((m) => m[1]!);
}

/** The unqualified ORDER BY terms that name a column the same statement renamed from a cast (`x::type AS x`). */
function orderedByCastAlias(statement: string): string[] {
  const renamed = new Set([...statement.matchAll(/(?:^|[\s,(.])(\w+)::\w+ AS (\w+)/g)].filter((m) => m[1] === m[2]).map((m) => m[2]!));
  const found: string[] = [];
  for (const m of statement.matchAll(/ORDER BY ([^)`;]*?)(?:\s+(?:LIMIT|OFFSET)\b|\)|$)/g)) {
    for (const term of m[1]!.split(',')) {
      const name = term.trim().split(/\s+/)[0] ?? '';
      if (renamed.has(name)) found.push(name);
    }
  }
  return found;
}

describe('SQL that renames a cast column keeps ordering by the column', () => {
  it('finds the mistake in the statement that made reports slow, and not in its fix', () => {
    expect(orderedByCastAlias('SELECT seq::float8 AS seq FROM records WHERE seq > $1 ORDER BY seq OFFSET $2 LIMIT 1')).toEqual(['seq']);
    expect(orderedByCastAlias('SELECT seq::float8 AS seq FROM records WHERE seq > $1 ORDER BY records.seq OFFSET $2 LIMIT 1')).toEqual([]);
    expect(orderedByCastAlias('SELECT r.seq::float8 AS seq FROM r ORDER BY r.seq LIMIT 3')).toEqual([]);
  });

  it('holds for every statement in the server', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles('src/server')) {
      for (const statement of statements(readFileSync(file, 'utf8'))) {
        for (const name of orderedByCastAlias(statement)) offenders.push(`${file}: ORDER BY ${name} — ${statement.replace(/\s+/g, ' ').slice(0, 100)}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
