import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { clearSession, saveSession } from '../../../../src/client/db/sync-state.ts';
import { loadNamespaces } from '../../../../src/client/lib/i18n.ts';
import { routePatterns } from '../../../../src/client/app/routes.ts';
import { ReportsPage } from '../../../../src/client/features/reports/reports-page.tsx';
import { SKILL_CODES } from '../../../../src/shared/skills.ts';
import { problem } from '../../../../src/shared/problems.ts';
import { dayNumber, isoDay, presetPeriod, vnToday, type ChildTotals, type Totals, type TotalsAnswer } from '../../../../src/shared/totals.ts';
import { ensureI18n, renderApp } from '../../../support/render-app.tsx';

const COMMUNE = '14845';
const HAMLET = '0190a000-0000-7000-8000-0000000000a1';

function totals(over: Partial<Totals> = {}): Totals {
  return {
    households: 1234, visitedHouseholds: 310, atTarget: 617, atTargetRate: 0.5, people: 4100,
    skills: SKILL_CODES.map((skill, i) => ({ skill, proficient: 1000 + i, guided: 500 + i, selfReportedAlone: 20 + i })),
    visits: 2048, followUpsDue: 12, activeVolunteers: 9, ...over,
  };
}

function answer(kind: 'commune' | 'hamlet', id: string, from: string, to: string, children: ChildTotals[] = []): TotalsAnswer {
  return {
    node: kind === 'commune' ? { kind, id, name: 'Xã Mường Lát' } : { kind, id, name: 'Bản Pù Quăn' },
    path: kind === 'commune' ? [{ kind: 'province', id: '38', name: 'Tỉnh Thanh Hoá' }] : [{ kind: 'province', id: '38', name: 'Tỉnh Thanh Hoá' }, { kind: 'commune', id: COMMUNE, name: 'Xã Mường Lát' }],
    period: { from, to, grain: null }, seq: 4321, latestSeq: 4321, generatedAt: '2026-11-22T03:00:00.000Z', staleDevices: 2,
    totals: kind === 'commune' ? totals() : totals({ households: 40, atTarget: 10, atTargetRate: 0.25 }), children,
    weekly: Array.from({ length: 8 }, (_, i) => ({ weekStart: isoDay(dayNumber('2026-09-28') + 7 * i), visits: i * 10 })),
  };
}

interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

let sent: Sent[];
let canExport: boolean;

function installServer(): void {
  sent = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const u = new URL(String(url), 'http://localhost');
    let body: unknown;
    if (init.body !== undefined && init.body !== null) {
      const raw = init.body instanceof Uint8Array ? Buffer.from(init.body) : Buffer.from(String(init.body));
      body = JSON.parse((new Headers(init.headers).get('Content-Encoding') === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
    }
    sent.push({ method: init.method ?? 'GET', path: u.pathname, query: u.searchParams, body });
    const json = (status: number, out: unknown) => new Response(JSON.stringify(out), { status, headers: { 'Content-Type': 'application/json' } });
    if (u.pathname === '/api/reports/roots') return json(200, { roots: [{ kind: 'commune', id: COMMUNE, name: 'Xã Mường Lát' }], canExport });
    if (u.pathname === '/api/reports/totals') {
      const q = u.searchParams;
      const kids: ChildTotals[] = q.get('kind') === 'commune'
        ? [{ node: { kind: 'hamlet', id: HAMLET, name: 'Bản Pù Quăn' }, totals: totals({ households: 40, atTarget: 10 }) },
           { node: { kind: 'team', id: '0190a000-0000-7000-8000-0000000000b1', name: 'Tổ CNSCĐ Mường Lát' }, totals: totals({ households: 7 }) }]
        : [];
      return json(200, answer(q.get('kind') as 'commune' | 'hamlet', q.get('id')!, q.get('from')!, q.get('to')!, kids));
    }
    if (u.pathname === '/api/reports/export-links') return json(200, { href: '/api/reports/export?ticket=abc', expiresAt: '2026-11-22T03:02:00.000Z' });
    return new Response(JSON.stringify(problem('not-found')), { status: 404 });
  }));
}

async function logIn(role: string): Promise<void> {
  await saveSession({
    token: 'test-token-0123456789abcdef', expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    user: { id: '0190a000-0000-7000-8000-00000000c001', name: 'Hà Văn Điều', phone: '0900•••003', role, scope: { kind: 'communes', communes: [COMMUNE] }, scopeLabel: 'Xã Mường Lát', teamId: null },
  });
}

async function renderReports(path: string) {
  await ensureI18n();
  await loadNamespaces('reports');
  const router = createMemoryRouter(
    [
      { path: routePatterns.reports, element: <ReportsPage /> },
      { path: routePatterns.reportNode, element: <ReportsPage /> },
      { path: routePatterns.login, element: <h1>Màn hình đăng nhập</h1> },
      { path: routePatterns.teams, element: <h1>Danh sách tổ (màn hình)</h1> },
    ],
    { initialEntries: [path] },
  );
  const user = userEvent.setup();
  render(<RouterProvider router={router} />);
  return { router, user };
}

const month = presetPeriod('month', vnToday());

beforeEach(async () => {
  canExport = true;
  installServer();
  await logIn('coordinator');
});
afterEach(async () => {
  vi.unstubAllGlobals();
  await clearSession();
});

describe('reports screen', { timeout: 20_000 }, () => {
  it('opens the only area the coordinator has, for this month, with vi-VN figures, skill bars and the units below', async () => {
    const { router } = await renderReports('/bao-cao');
    expect(await screen.findByRole('heading', { level: 2, name: /Xã Mường Lát/ })).toBeTruthy();
    expect(router.state.location.pathname).toBe(`/bao-cao/commune/${COMMUNE}`);
    const totalsRequest = sent.find((r) => r.path === '/api/reports/totals')!;
    expect([totalsRequest.query.get('from'), totalsRequest.query.get('to')]).toEqual([month.from, month.to]);

    expect(screen.getByText('1.234')).toBeTruthy();
    expect(screen.getByText('Tỷ lệ hộ đạt: 50%')).toBeTruthy();
    expect(screen.getByText(/Số liệu đến thay đổi số 4\.321/)).toBeTruthy();
    expect(screen.getByText(/2 thiết bị trong địa bàn chưa đồng bộ quá 7 ngày/)).toBeTruthy();
    const skills = screen.getByRole('region', { name: 'Tiến độ theo kỹ năng' });
    expect(within(skills).getByText('Thành thạo: 1.000 (24%)')).toBeTruthy();
    expect(screen.getByRole('img', { name: /Lượt thăm theo tuần/ })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Vị trí trong địa bàn' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Danh sách tổ' })).toBeTruthy();
  });

  it('drills down to a hamlet keeping the period', async () => {
    const { user, router } = await renderReports(`/bao-cao/commune/${COMMUNE}?tu=2026-10-01&den=2026-10-31`);
    const hamlets = await screen.findByRole('region', { name: 'Thôn, tổ dân phố' });
    await user.click(within(hamlets).getByRole('link', { name: 'Xem số liệu của Bản Pù Quăn' }));
    expect(await screen.findByRole('heading', { level: 2, name: /Bản Pù Quăn/ })).toBeTruthy();
    expect(router.state.location.search).toBe('?tu=2026-10-01&den=2026-10-31');
    const last = sent.filter((r) => r.path === '/api/reports/totals').at(-1)!;
    expect(Object.fromEntries(last.query)).toEqual({ kind: 'hamlet', id: HAMLET, from: '2026-10-01', to: '2026-10-31' });
    expect(screen.getByRole('link', { name: 'Xã Mường Lát' })).toBeTruthy();
  });

  it('asks for a custom period, and says so when its dates are the wrong way round', async () => {
    const { user } = await renderReports(`/bao-cao/commune/${COMMUNE}`);
    await screen.findByRole('heading', { level: 2, name: /Xã Mường Lát/ });
    await user.click(screen.getByRole('radio', { name: 'Tùy chọn' }));
    const from = screen.getByLabelText('Từ ngày');
    const to = screen.getByLabelText('Đến ngày');
    await user.clear(from);
    await user.type(from, '2026-09-30');
    await user.clear(to);
    await user.type(to, '2026-09-01');
    await user.click(screen.getByRole('button', { name: 'Xem kỳ này' }));
    expect(screen.getByRole('alert').textContent).toBe('Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.');
    await user.clear(to);
    await user.type(to, '2026-10-15');
    await user.click(screen.getByRole('button', { name: 'Xem kỳ này' }));
    await vi.waitFor(() => {
      const last = sent.filter((r) => r.path === '/api/reports/totals').at(-1)!;
      expect([last.query.get('from'), last.query.get('to')]).toEqual(['2026-09-30', '2026-10-15']);
    });
  });

  it('exports through a signed link and follows it', async () => {
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    const { user } = await renderReports(`/bao-cao/commune/${COMMUNE}?tu=2026-10-01&den=2026-10-31`);
    await user.click(await screen.findByRole('button', { name: 'Danh sách từng hộ: Excel (XLSX)' }));
    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith('/api/reports/export?ticket=abc'));
    expect(sent.find((r) => r.path === '/api/reports/export-links')!.body).toEqual({
      kind: 'commune', id: COMMUNE, from: '2026-10-01', to: '2026-10-31', format: 'xlsx', rows: 'households', lang: 'vi',
    });
  });

  it('shows no export to someone who may not export', async () => {
    canExport = false;
    await renderReports(`/bao-cao/commune/${COMMUNE}`);
    await screen.findByRole('heading', { level: 2, name: /Xã Mường Lát/ });
    expect(screen.queryByRole('heading', { name: 'Xuất báo cáo' })).toBeNull();
  });

  it('says it needs a network while offline', async () => {
    const online = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    await renderReports('/bao-cao');
    expect(await screen.findByText('Báo cáo cần kết nối mạng. Hãy kết nối Internet rồi thử lại.')).toBeTruthy();
    expect(sent).toHaveLength(0);
    online.mockRestore();
  });

  it('asks to log in when nobody is logged in', async () => {
    await clearSession();
    const { user } = await renderReports('/bao-cao');
    await user.click(await screen.findByRole('link', { name: 'Đăng nhập' }));
    expect(await screen.findByRole('heading', { name: 'Màn hình đăng nhập' })).toBeTruthy();
  });
});

describe('bottom navigation', { timeout: 20_000 }, () => {
  it('gives coordinators a Reports tab in the overview\'s place and keeps five tabs', async () => {
    await renderApp('/cai-dat');
    const nav = screen.getByRole('navigation', { name: 'Điều hướng chính' });
    expect(await within(nav).findByRole('link', { name: 'Báo cáo' })).toBeTruthy();
    expect(within(nav).queryByRole('link', { name: 'Tổng quan' })).toBeNull();
    expect(within(nav).getAllByRole('link')).toHaveLength(5);
  });

  it('keeps a volunteer\'s tabs as they are', async () => {
    await logIn('volunteer');
    await renderApp('/cai-dat');
    const nav = screen.getByRole('navigation', { name: 'Điều hướng chính' });
    expect(await within(nav).findByRole('link', { name: 'Tổng quan' })).toBeTruthy();
    expect(within(nav).queryByRole('link', { name: 'Báo cáo' })).toBeNull();
    expect(within(nav).getAllByRole('link')).toHaveLength(5);
  });
});
