import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import type { ImportPreview } from '../../../../src/shared/roster.ts';
import { csvFile, logInAs, renderTeamScreen, RosterServer, sentText, TEAM_ID, teamDetail } from './roster-server.tsx';

const PREVIEW_URL = `POST /api/teams/${TEAM_ID}/imports/members/preview`;
const COMMIT_URL = `POST /api/teams/${TEAM_ID}/imports/members/commit`;
const HEADER = 'Họ và tên,Số CCCD,Số điện thoại,Năm sinh,Giới tính,Đơn vị,Vai trò';
const BAD_FILE = `${HEADER}\nLò Văn Thắng,038088004512,0900000003,1988,Nam,Đoàn thanh niên,Tổ trưởng\nHà Văn Minh,03809500381,0900000004,1995,Nam,Đoàn thanh niên,\nLương Thị Hoa,038199006241,0900000005,1998,Nữ,Hội LHPN,\n`;
const GOOD_FILE = BAD_FILE.replace('03809500381', '038095003817').replace(',1998,', ',1999,');

function preview(over: Partial<ImportPreview> = {}): ImportPreview {
  return {
    kind: 'members', format: 'csv', rowCount: 3, recordCount: 3, personCount: 3, errors: [], warnings: [],
    sampleFields: ['fullName', 'cccd', 'phone', 'birthYear', 'sex', 'affiliation', 'role'],
    sample: [{ row: 2, cells: ['Lò Văn Thắng', '038******512', '0900•••003', '1988', 'male', 'youth-union', 'leader'] }],
    ...over,
  };
}

let server: RosterServer;

beforeEach(async () => {
  server = new RosterServer();
  server.install();
  server.on(`GET /api/teams/${TEAM_ID}`, { status: 200, body: teamDetail() });
  await logInAs('team-leader');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('member import screen', { timeout: 20_000 }, () => {
  it('lists every bad row with its row, column and reason, and keeps the import button disabled', async () => {
    server.on(PREVIEW_URL, {
      status: 200,
      body: preview({
        recordCount: 1,
        errors: [
          { row: 3, field: 'cccd', column: 'Số CCCD', key: 'cccdFormat' },
          { row: 4, field: 'cccd', column: 'Số CCCD', key: 'cccdBirthYear' },
        ],
      }),
    });
    const { user } = await renderTeamScreen(`/to/${TEAM_ID}/nhap-danh-sach`);
    await user.upload(await screen.findByLabelText('Chọn tệp CSV hoặc XLSX'), csvFile(BAD_FILE));

    const problems = await screen.findByRole('region', { name: '2 lỗi cần sửa' });
    const rows = within(problems).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(rows).toEqual([
      ['3', 'Số CCCD', 'Số CCCD gồm đúng 12 chữ số'],
      ['4', 'Số CCCD', expect.stringContaining('Số CCCD không khớp năm sinh')],
    ]);
    const commit = screen.getByRole('button', { name: 'Nhập 1 thành viên' });
    expect((commit as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/Chỉ nhập được khi tệp không còn lỗi/)).toBeTruthy();
    await user.click(commit);
    expect(server.requests(COMMIT_URL)).toHaveLength(0);
    expect(sentText(server.requests(PREVIEW_URL)[0])).toBe(BAD_FILE);
  });

  it('previews the fixed file, imports it in one step, and says how many members were added', async () => {
    server.on(PREVIEW_URL, (request) =>
      sentText(request) === GOOD_FILE
        ? { status: 200, body: preview() }
        : { status: 200, body: preview({ recordCount: 2, errors: [{ row: 3, field: 'cccd', column: 'Số CCCD', key: 'cccdFormat' }] }) },
    );
    server.on(COMMIT_URL, { status: 200, body: { kind: 'members', recordCount: 3, personCount: 3, seq: null } });
    const { user } = await renderTeamScreen(`/to/${TEAM_ID}/nhap-danh-sach`);
    const input = await screen.findByLabelText('Chọn tệp CSV hoặc XLSX');
    await user.upload(input, csvFile(BAD_FILE));
    expect(await screen.findByRole('region', { name: '1 lỗi cần sửa' })).toBeTruthy();

    await user.upload(input, csvFile(GOOD_FILE));
    const commit = await screen.findByRole('button', { name: 'Nhập 3 thành viên' });
    expect(screen.queryByRole('region', { name: /lỗi cần sửa/ })).toBeNull();
    expect(screen.getByRole('cell', { name: '038******512' })).toBeTruthy();
    await user.click(commit);

    expect(await screen.findByText('Đã nhập 3 thành viên vào tổ.')).toBeTruthy();
    expect(server.requests(COMMIT_URL)).toHaveLength(1);
    expect(sentText(server.requests(COMMIT_URL)[0])).toBe(GOOD_FILE);
    expect(within(screen.getByRole('main')).getByRole('link', { name: 'Về trang tổ' }).getAttribute('href')).toBe(`/to/${TEAM_ID}`);
  });

  it('says why a file could not be read, and stores nothing', async () => {
    server.problem(PREVIEW_URL, 'import.unreadable-file');
    const { user } = await renderTeamScreen(`/to/${TEAM_ID}/nhap-danh-sach`);
    await user.upload(await screen.findByLabelText('Chọn tệp CSV hoặc XLSX'), csvFile('\u0000\u0001', 'anh.csv'));
    expect((await screen.findByRole('alert')).textContent).toContain('Không đọc được tệp');
    expect(screen.queryByRole('button', { name: /^Nhập \d+/ })).toBeNull();
  });

  it('offers a template whose columns are the ones the server reads', async () => {
    await renderTeamScreen(`/to/${TEAM_ID}/nhap-danh-sach`);
    const link = await screen.findByRole('link', { name: 'Tải tệp mẫu (CSV)' });
    const href = link.getAttribute('href') ?? '';
    expect(decodeURIComponent(href.slice(href.indexOf(',') + 1))).toBe(`\uFEFF${HEADER}\r\n`);
    expect(link.getAttribute('download')).toMatch(/\.csv$/);
  });

  it('tells a volunteer that the list is not theirs to import into', async () => {
    server.on(`GET /api/teams/${TEAM_ID}`, {
      status: 200,
      body: teamDetail({ permissions: { manageTeam: false, deleteTeam: false, editMembers: false, reveal: false } }),
    });
    await logInAs('volunteer');
    await renderTeamScreen(`/to/${TEAM_ID}/nhap-danh-sach`);
    expect(await screen.findByText('Tài khoản của bạn không xem được tổ này.')).toBeTruthy();
    expect(screen.queryByLabelText('Chọn tệp CSV hoặc XLSX')).toBeNull();
  });
});

describe('household import screen', { timeout: 20_000 }, () => {
  const HAMLET_ID = '0190a000-0000-7000-8000-00000000d001';
  const CSV = 'Mã hộ,Họ và tên,Quan hệ với chủ hộ\n1,Hà Văn Khuyên,Chủ hộ\n1,Lò Thị Dung,Vợ/chồng\n';

  it('imports into the hamlet chosen in the only commune, and says volunteers will receive the households', async () => {
    server
      .on('GET /api/areas/communes', { status: 200, body: { communes: [{ code: '14956', name: 'Xã Pù Luông, Tỉnh Thanh Hoá', provinceCode: '38' }] } })
      .on('GET /api/areas/communes/14956/hamlets', { status: 200, body: { hamlets: [{ id: HAMLET_ID, name: 'Bản Đôn' }] } })
      .on(`POST /api/hamlets/${HAMLET_ID}/imports/households/preview`, {
        status: 200,
        body: preview({
          kind: 'households', rowCount: 2, recordCount: 1, personCount: 2,
          sampleFields: ['householdKey', 'fullName', 'relation', 'birthYear', 'sex', 'address', 'phone'],
          sample: [{ row: 2, cells: ['1', 'Hà Văn Khuyên', 'head', '', '', '', ''] }, { row: 3, cells: ['1', 'Lò Thị Dung', 'spouse', '', '', '', ''] }],
        }),
      })
      .on(`POST /api/hamlets/${HAMLET_ID}/imports/households/commit`, { status: 200, body: { kind: 'households', recordCount: 1, personCount: 2, seq: 42 } });
    const { user } = await renderTeamScreen('/nhap-ho-dan');
    const input = await screen.findByLabelText('Chọn tệp CSV hoặc XLSX');
    expect((input as HTMLInputElement).disabled).toBe(true);
    await vi.waitFor(() => expect(screen.getByRole('option', { name: 'Bản Đôn' })).toBeTruthy());
    await user.selectOptions(screen.getByLabelText('Nhập vào thôn/tổ dân phố'), 'Bản Đôn');
    await user.upload(input, csvFile(CSV));

    expect(await screen.findByRole('cell', { name: 'Vợ/chồng' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Nhập 1 hộ' }));
    expect(await screen.findByText(/Đã nhập 1 hộ \(2 người\)/)).toBeTruthy();
    expect(sentText(server.requests(`POST /api/hamlets/${HAMLET_ID}/imports/households/commit`)[0])).toBe(CSV);
  });

  it('is not offered to a volunteer', async () => {
    await logInAs('volunteer');
    await renderTeamScreen('/nhap-ho-dan');
    expect(await screen.findByText('Tài khoản của bạn không xem được tổ này.')).toBeTruthy();
    expect(server.sent.filter((r) => r.path.startsWith('/api/areas'))).toEqual([]);
  });
});
