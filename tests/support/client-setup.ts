/**
 * Client tests: an in-memory IndexedDB (fake-indexeddb; e2e uses the browser's real one), Testing Library cleanup,
 * Vietnamese translations loaded, and a fresh database per test.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { TungNhaDb, setDbForTesting } from '../../src/client/db/database.ts';

let counter = 0;

beforeEach(() => {
  counter += 1;
  setDbForTesting(new TungNhaDb(`test-${process.pid}-${counter}`));
});

afterEach(() => {
  cleanup();
});
