import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase, type TestDatabase } from '../support/server-db.ts';
import { buildTestApp } from '../support/server-app.ts';
import { createTeam, createUser, loginAs, nextPhone, PASSWORD } from '../support/server-fixtures.ts';
import { createAccount, resetPassword } from '../../src/server/services/accounts.ts';
import { hashPassword, verifyPassword } from '../../src/server/auth/passwords.ts';

let testDb: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  testDb = await openTestDatabase();
  app = await buildTestApp(testDb.database, { loginPerIpPerMinute: 1000, loginFailuresPerPhone: 3 });
});
afterAll(async () => {
  await app.close();
  await testDb.close();
});

describe('passwords', () => {
  it('verify only the password they were made from', async () => {
    const stored = await hashPassword('đúng-mật-khẩu');
    expect(stored).toMatch(/^scrypt\$/);
    expect(await verifyPassword('đúng-mật-khẩu', stored)).toBe(true);
    expect(await verifyPassword('sai-mật-khẩu', stored)).toBe(false);
    expect(await verifyPassword('đúng-mật-khẩu', null)).toBe(false);
  });
});

describe('login', () => {
  it('gives a token and the user with a masked phone for the right password', async () => {
    const phone = nextPhone();
    await createAccount(testDb.database.db, { phone, name: 'Hà Thị Lan', role: 'coordinator', password: PASSWORD, scope: { kind: 'province', code: '38' } });
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: `+84 ${phone.slice(1)}`, password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    expect(body.user).toMatchObject({ name: 'Hà Thị Lan', role: 'coordinator', scope: { kind: 'province', province: '38' } });
    // Exactly the first four and last three digits: the middle never leaves the server.
    expect(body.user.phone).toBe(`${phone.slice(0, 4)}•••${phone.slice(7)}`);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses a wrong password and an unknown phone with the same Problem', async () => {
    const user = await createUser(app, testDb.database, 'admin', { kind: 'all' });
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: user.phone, password: 'nope-nope' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: '0987000111', password: PASSWORD } });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'auth.invalid-credentials' });
    }
  });

  it('refuses a phone after repeated failures, even with the right password, with 429', async () => {
    const user = await createUser(app, testDb.database, 'admin', { kind: 'all' });
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: user.phone, password: 'wrong-' + i } });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: user.phone, password: PASSWORD } });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'auth.rate-limited' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits login attempts per IP address', async () => {
    const limited = await buildTestApp(testDb.database, { loginPerIpPerMinute: 2 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await limited.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: '0987000222', password: 'x' } });
        codes.push(res.statusCode);
      }
      expect(codes).toEqual([401, 401, 429]);
    } finally {
      await limited.close();
    }
  });

  it('answers a malformed login body with a 400 Problem', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"phone":' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'request.malformed-json' });
    const extra = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: '0987000333', password: 'x', admin: true } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ code: 'request.unknown-field', fields: { admin: 'unknownField' } });
  });
});

describe('sessions', () => {
  it('/api/me answers the logged-in user and 401 without a token or with a made-up one', async () => {
    const teamId = await createTeam(testDb.database, '14845');
    const user = await createUser(app, testDb.database, 'volunteer', { kind: 'team', teamId });
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: user.auth });
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toMatchObject({ id: user.id, role: 'volunteer', scope: { kind: 'communes', communes: ['14845'] }, teamId });

    const none = await app.inject({ method: 'GET', url: '/api/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'auth.required' });
    const madeUp = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: 'Bearer ' + 'A'.repeat(43) } });
    expect(madeUp.statusCode).toBe(401);
    expect(madeUp.json()).toMatchObject({ code: 'auth.required' });
  });

  it('logout revokes the token: it then answers session-expired', async () => {
    const user = await createUser(app, testDb.database, 'admin', { kind: 'all' });
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: user.auth });
    expect(out.statusCode).toBe(204);
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: user.auth });
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({ code: 'auth.session-expired' });
  });

  it('an expired session answers session-expired', async () => {
    const user = await createUser(app, testDb.database, 'admin', { kind: 'all' });
    await testDb.database.query("UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1", [user.id]);
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: user.auth });
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({ code: 'auth.session-expired' });
  });

  it('resetting a password ends the old sessions and the new password works', async () => {
    const user = await createUser(app, testDb.database, 'admin', { kind: 'all' });
    await resetPassword(testDb.database.db, user.phone, 'mật-khẩu-mới-123');
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: user.auth })).statusCode).toBe(401);
    const token = await loginAs(app, user.phone, 'mật-khẩu-mới-123');
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
  });
});
