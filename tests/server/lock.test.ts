import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError } from '../../src/server/db/lock.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'tn-lock-'));

describe('the data directory lock', () => {
  it('writes the owner pid and removes the file on release', () => {
    const dir = fresh();
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(join(dir, 'server.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(existsSync(join(dir, 'server.lock'))).toBe(false);
  });

  it('refuses a second owner while the first process is alive', async () => {
    const dir = fresh();
    // Another live process: a child that sleeps.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'server.lock'), String(child.pid));
      expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
      expect(() => acquireDataDirLock(dir)).toThrow(String(child.pid));
    } finally {
      child.kill();
    }
  });

  it('takes over a stale lock left by a process that has exited', async () => {
    const dir = fresh();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(join(dir, 'server.lock'), String(child.pid));
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(join(dir, 'server.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
  });

  it('refuses another process while this one holds the lock', async () => {
    const dir = fresh();
    const lock = acquireDataDirLock(dir);
    try {
      // A different pid asking for the same directory sees this process as the live owner.
      expect(() => acquireDataDirLock(dir, process.pid + 1_000_000)).toThrow(DataDirLockedError);
    } finally {
      lock.release();
    }
  });
});
