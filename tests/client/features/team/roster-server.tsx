/**
 * Team screens under test: a logged-in session on the device, a stand-in for the roster endpoints (global fetch
 * stubbed; each route answers what the test gives it and records what it was sent), and a memory router with the
 * team routes as the app mounts them, translations loaded.
 */
import { gunzipSync } from 'node:zlib';
import { vi } from 'vitest';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { saveSession } from '../../../../src/client/db/sync-state.ts';
import { loadNamespaces } from '../../../../src/client/lib/i18n.ts';
import { routePatterns } from '../../../../src/client/app/routes.ts';
import { TeamsPage } from '../../../../src/client/features/team/teams-page.tsx';
import { TeamPage } from '../../../../src/client/features/team/team-page.tsx';
import { ImportHouseholdsPage, ImportMembersPage } from '../../../../src/client/features/team/import-pages.tsx';
import { problem, type ProblemCode } from '../../../../src/shared/problems.ts';
import type { MemberView, TeamDetail, TeamView } from '../../../../src/shared/roster.ts';
import { ensureI18n } from '../../../support/render-app.tsx';

export const TEAM_ID = '0190a000-0000-7000-8000-00000000a001';

export function teamView(over: Partial<TeamView> = {}): TeamView {
  return {
    id: TEAM_ID, name: 'Tổ công nghệ số Pù Luông', provinceCode: '38', communeCode: '14956',
    communeName: 'Xã Pù Luông, Tỉnh Thanh Hoá', hamletId: null, hamletName: null, memberCount: 1,
    updatedAt: '2026-11-22T08:00:00.000Z', ...over,
  };
}

export function memberView(over: Partial<MemberView> = {}): MemberView {
  return {
    id: '0190a000-0000-7000-8000-00000000b001', teamId: TEAM_ID, fullName: 'Lò Văn Thắng', cccd: '038******512',
    phone: '0900•••003', birthYear: 1988, sex: 'male', affiliation: 'youth-union', role: 'leader',
    updatedAt: '2026-11-22T08:00:00.000Z', ...over,
  };
}

export function teamDetail(over: Partial<TeamDetail> = {}): TeamDetail {
  return {
    team: teamView(),
    members: [memberView()],
    permissions: { manageTeam: true, deleteTeam: false, editMembers: true, reveal: true },
    ...over,
  };
}

export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
}

type Answer = { status: number; body?: unknown } | ((request: SentRequest) => { status: number; body?: unknown });

/** "METHOD /api/path" → the answer (or a function of the request); anything else is a 404 Problem. */
export class RosterServer {
  readonly sent: SentRequest[] = [];
  private readonly routes = new Map<string, Answer>();

  on(route: string, answer: Answer): this {
    this.routes.set(route, answer);
    return this;
  }

  problem(route: string, code: ProblemCode, fields?: Record<string, string>): this {
    return this.on(route, { status: problem(code).status, body: problem(code, undefined, fields) });
  }

  requests(route: string): SentRequest[] {
    return this.sent.filter((r) => `${r.method} ${r.path}` === route);
  }

  install(): void {
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const path = String(url).split('?')[0] ?? '';
      let body: unknown;
      if (init.body !== undefined && init.body !== null) {
        const headers = new Headers(init.headers);
        const raw = init.body instanceof Uint8Array ? Buffer.from(init.body) : Buffer.from(String(init.body));
        body = JSON.parse((headers.get('Content-Encoding') === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
      }
      const request = { method, path, body };
      this.sent.push(request);
      const answer = this.routes.get(`${method} ${path}`);
      const { status, body: out } =
        answer === undefined ? { status: 404, body: problem('not-found') } : typeof answer === 'function' ? answer(request) : answer;
      return new Response(out === undefined ? null : JSON.stringify(out), {
        status,
        headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
      });
    }));
  }
}

export async function logInAs(role: string, teamId: string | null = TEAM_ID): Promise<void> {
  await saveSession({
    token: 'test-token-0123456789abcdef',
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    user: {
      id: '0190a000-0000-7000-8000-00000000c001', name: 'Lò Văn Thắng', phone: '0900•••003', role,
      scope: { kind: 'communes', communes: ['14956'] }, scopeLabel: 'Xã Pù Luông', teamId,
    },
  });
}

export async function renderTeamScreen(path: string) {
  await ensureI18n();
  await loadNamespaces('team');
  const router = createMemoryRouter(
    [
      { path: routePatterns.teams, element: <TeamsPage /> },
      { path: routePatterns.team, element: <TeamPage /> },
      { path: routePatterns.importMembers, element: <ImportMembersPage /> },
      { path: routePatterns.importHouseholds, element: <ImportHouseholdsPage /> },
      { path: routePatterns.login, element: <h1>Màn hình đăng nhập</h1> },
    ],
    { initialEntries: [path] },
  );
  const view = render(<RouterProvider router={router} />);
  return { router, user: userEvent.setup(), ...view };
}

/** The file a person picks: its text as UTF-8 bytes. */
export function csvFile(text: string, name = 'danh-sach.csv'): File {
  return new File([new TextEncoder().encode(text)], name, { type: 'text/csv' });
}

/** The base64 content an import request carries, read back as text. */
export function sentText(request: SentRequest | undefined): string {
  const content = (request?.body as { content?: string } | undefined)?.content ?? '';
  return Buffer.from(content, 'base64').toString('utf8');
}
