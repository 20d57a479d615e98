/**
 * The import boundaries of ARCHITECTURE.md are lint errors; this checks the rules still bite, by linting probe
 * sources placed (virtually) in each layer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'fatal');
}

describe('import boundaries', () => {
  // The first lint loads the config, its plugins and the TypeScript resolver: seconds on a busy 2-core machine.
  beforeAll(async () => {
    await eslint.lintText('export {};', { filePath: 'src/shared/warm-up.ts' });
  }, 60_000);

  it('forbids one feature importing another', async () => {
    expect(await ruleIds('src/client/features/households/probe.ts', "import { x } from '../area/admin-units.ts';\nexport const y = x;\n"))
      .toContain('import-x/no-restricted-paths');
  });

  it('forbids the client importing the server and the server importing the client', async () => {
    expect(await ruleIds('src/client/db/probe.ts', "import { x } from '../../server/app.ts';\nexport const y = x;\n"))
      .toContain('import-x/no-restricted-paths');
    expect(await ruleIds('src/server/probe.ts', "import { x } from '../client/db/database.ts';\nexport const y = x;\n"))
      .toContain('import-x/no-restricted-paths');
  });

  it('keeps shared code free of anything but zod', async () => {
    expect(await ruleIds('src/shared/probe.ts', "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n"))
      .toContain('no-restricted-imports');
    expect(await ruleIds('src/shared/probe.ts', "import * as z from 'zod/mini';\nexport const y = z;\n")).toEqual([]);
  });

  it('forbids lower client layers importing features or the app', async () => {
    expect(await ruleIds('src/client/db/probe.ts', "import { x } from '../features/households/search.ts';\nexport const y = x;\n"))
      .toContain('import-x/no-restricted-paths');
    expect(await ruleIds('src/client/ui/probe.ts', "import { x } from '../db/database.ts';\nexport const y = x;\n"))
      .toContain('import-x/no-restricted-paths');
  });

  it('lets a feature link through app/routes.ts but import nothing else from the app layer', async () => {
    expect(await ruleIds('src/client/features/visits/probe.ts', "import { routes } from '../../app/routes.ts';\nexport const y = routes;\n")).toEqual([]);
    expect(await ruleIds('src/client/features/visits/probe.ts', "import { AppLayout } from '../../app/layout.tsx';\nexport const y = AppLayout;\n"))
      .toContain('import-x/no-restricted-paths');
  });

  it('lets a feature use db, lib and ui', async () => {
    expect(
      await ruleIds(
        'src/client/features/households/probe.ts',
        "import { getDb } from '../../db/database.ts';\nimport { formatDate } from '../../lib/format.ts';\nexport const y = [getDb, formatDate];\n",
      ),
    ).toEqual([]);
  });
});
