import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../src/server/env.ts';

describe('the server environment', () => {
  it('defaults to port 8080 on loopback with PGlite in ./data', () => {
    expect(parseEnv({})).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', DATA_DIR: './data', LOG_LEVEL: 'info' });
    expect(parseEnv({}).DATABASE_URL).toBeUndefined();
  });

  it('reads PORT, HOST and DATABASE_URL, treating empty strings as unset', () => {
    const env = parseEnv({ PORT: '9090', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@h/db', LOG_LEVEL: '' });
    expect(env).toMatchObject({ PORT: 9090, HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@h/db', LOG_LEVEL: 'info' });
  });

  it('lists every bad value at once in Vietnamese and English', () => {
    let caught: unknown;
    try {
      parseEnv({ PORT: 'tám nghìn', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvError);
    const e = caught as EnvError;
    expect(e.problems).toHaveLength(3);
    expect(e.message).toContain('PORT phải là một số / PORT must be a number');
    expect(e.message).toContain('LOG_LEVEL');
    expect(e.message).toContain('DATABASE_URL');
  });

  it('refuses a port above 65535', () => {
    expect(() => parseEnv({ PORT: '70000' })).toThrow(/65535/);
  });
});
