/**
 * Client tests: an in-memory IndexedDB (fake-indexeddb; e2e uses the browser's real one), Testing Library cleanup,
 * Vietnamese translations loaded, and a fresh database per test.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';
import { TungNhaDb, setDbForTesting } from '../../src/client/db/database.ts';
import { syncEngineSettled } from '../../src/client/sync/scheduler.ts';

// findBy*/waitFor give up after 1 s by default; the whole suite on a 2-core machine can take longer than that
// to render a lazy screen. Waiting longer never hides a failure: it only fails later.
configure({ asyncUtilTimeout: 5000 });

let counter = 0;

beforeEach(() => {
  counter += 1;
  setDbForTesting(new TungNhaDb(`test-${process.pid}-${counter}`));
});

afterEach(async () => {
  cleanup();
  // The layout starts the sync engine; a run it began must finish on this test's database, not the next one's.
  await syncEngineSettled();
});
