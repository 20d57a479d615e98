import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import { logInAs, renderTeamScreen, RosterServer, teamView } from './roster-server.tsx';

let server: RosterServer;

beforeEach(() => {
  server = new RosterServer();
  server.install();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function setOnline(online: boolean) {
  vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(online);
}

describe('teams screen', { timeout: 20_000 }, () => {
  it('asks a person who is not logged in to log in, and comes back here after', async () => {
    setOnline(true);
    const { user, router } = await renderTeamScreen('/to');
    expect(await screen.findByText(/chỉ dành cho tài khoản đã đăng nhập/)).toBeTruthy();
    await user.click(screen.getByRole('link', { name: 'Đăng nhập' }));
    expect(router.state.location.pathname).toBe('/dang-nhap');
    expect(router.state.location.state).toEqual({ from: '/to' });
    expect(server.sent).toEqual([]);
  });

  it('says plainly that the lists need a connection when offline', async () => {
    setOnline(false);
    await logInAs('coordinator', null);
    await renderTeamScreen('/to');
    expect(await screen.findByText(/Đang ngoại tuyến/)).toBeTruthy();
    expect(server.sent).toEqual([]);
  });

  it('lists the teams in Vietnamese alphabetical order with their commune and size', async () => {
    setOnline(true);
    server.on('GET /api/teams', {
      status: 200,
      body: {
        canCreate: true,
        teams: [
          teamView({ id: '0190a000-0000-7000-8000-00000000a003', name: 'Tổ Đông', memberCount: 5 }),
          teamView({ id: '0190a000-0000-7000-8000-00000000a002', name: 'Tổ Bắc', memberCount: 0 }),
          teamView({ id: '0190a000-0000-7000-8000-00000000a001', name: 'Tổ Ánh', hamletName: 'Bản Đôn', memberCount: 1 }),
        ],
      },
    });
    await logInAs('coordinator', null);
    await renderTeamScreen('/to');
    const list = await screen.findByRole('list');
    const links = within(list).getAllByRole('link');
    expect(links.map((l) => l.textContent?.split('Xã')[0]?.replace(/Bản Đôn · $/, ''))).toEqual(['Tổ Ánh', 'Tổ Bắc', 'Tổ Đông']);
    expect(links[0]?.getAttribute('href')).toBe('/to/0190a000-0000-7000-8000-00000000a001');
    expect(links[0]?.textContent).toContain('Bản Đôn · Xã Pù Luông');
    expect(links[2]?.textContent).toContain('5 thành viên');
    expect(screen.getByRole('button', { name: 'Tạo tổ mới' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Nhập danh sách hộ dân từ tệp' })).toBeTruthy();
  });

  it('creates a team in the only commune of a commune coordinator and opens it', async () => {
    setOnline(true);
    const created = teamView({ id: '0190a000-0000-7000-8000-00000000a009', name: 'Tổ Bản Son' });
    server
      .on('GET /api/teams', { status: 200, body: { canCreate: true, teams: [] } })
      .on('GET /api/areas/communes', { status: 200, body: { communes: [{ code: '14956', name: 'Xã Pù Luông, Tỉnh Thanh Hoá', provinceCode: '38' }] } })
      .on('GET /api/areas/communes/14956/hamlets', { status: 200, body: { hamlets: [{ id: '0190a000-0000-7000-8000-00000000d001', name: 'Bản Son' }] } })
      .on('POST /api/teams', { status: 201, body: { team: created } });
    await logInAs('coordinator', null);
    const { user, router } = await renderTeamScreen('/to');
    await user.click(await screen.findByRole('button', { name: 'Tạo tổ mới' }));
    const form = screen.getByRole('form', { name: 'Tổ mới' });
    await user.click(within(form).getByRole('button', { name: 'Lưu tổ' }));
    expect(within(form).getByLabelText('Tên tổ').getAttribute('aria-invalid')).toBe('true');
    expect(server.requests('POST /api/teams')).toHaveLength(0);

    await user.type(within(form).getByLabelText('Tên tổ'), 'Tổ Bản Son');
    await vi.waitFor(() => expect(within(form).getByRole('option', { name: 'Bản Son' })).toBeTruthy());
    await user.selectOptions(within(form).getByLabelText('Thôn/tổ dân phố'), 'Bản Son');
    await user.click(within(form).getByRole('button', { name: 'Lưu tổ' }));
    await vi.waitFor(() => expect(router.state.location.pathname).toBe('/to/0190a000-0000-7000-8000-00000000a009'));
    expect(server.requests('POST /api/teams')[0]?.body).toEqual({ name: 'Tổ Bản Son', communeCode: '14956', hamletId: '0190a000-0000-7000-8000-00000000d001' });
  });

  it('offers a volunteer neither team creation nor imports', async () => {
    setOnline(true);
    server.on('GET /api/teams', { status: 200, body: { canCreate: false, teams: [teamView()] } });
    await logInAs('volunteer');
    await renderTeamScreen('/to');
    expect(await screen.findByRole('link', { name: /Tổ công nghệ số Pù Luông/ })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Tạo tổ mới' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Nhập danh sách hộ dân từ tệp' })).toBeNull();
  });
});
