/**
 * A private, throw-away PostgreSQL cluster for a test run (STACK.md "PostgreSQL on these machines"): initdb in a temp
 * directory, pg_ctl start on a free port with the socket in that directory, stop and delete at the end.
 * initdb refuses to run as root, so as root both run through `runuser -u postgres --` on a directory that user owns.
 * Returns null, loudly, when initdb is not installed.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function which(command) {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(address.port));
    });
  });
}

export async function startPostgres() {
  const initdb = which('initdb');
  const pgCtl = which('pg_ctl');
  if (initdb === null || pgCtl === null) {
    console.error(
      '\n*** PostgreSQL (initdb/pg_ctl) was not found on PATH: the PostgreSQL server tests cannot run here. ***\n' +
        '*** Install postgresql or set DATABASE_URL to a server you own. ***\n',
    );
    return null;
  }
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'tn-pg-'));
  const dataDir = join(dir, 'data');
  const run = (args) => {
    const command = asRoot ? 'runuser' : args[0];
    const argv = asRoot ? ['-u', 'postgres', '--', ...args] : args.slice(1);
    execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const port = await freePort();
  run([initdb, '-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  run([pgCtl, '-D', dataDir, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(dir, 'log'), '-w', 'start']);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        run([pgCtl, '-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
