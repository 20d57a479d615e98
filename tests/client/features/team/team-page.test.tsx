import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import { problem } from '../../../../src/shared/problems.ts';
import { logInAs, memberView, renderTeamScreen, RosterServer, TEAM_ID, teamDetail } from './roster-server.tsx';

const DETAIL_URL = `GET /api/teams/${TEAM_ID}`;
const ADD_URL = `POST /api/teams/${TEAM_ID}/members`;

let server: RosterServer;

beforeEach(async () => {
  server = new RosterServer();
  server.install();
  server.on(DETAIL_URL, { status: 200, body: teamDetail() });
  await logInAs('team-leader');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** The message tied to a field by aria-describedby (what a screen reader reads with it). */
function description(field: HTMLElement): string {
  return (field.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

async function openNewMemberForm() {
  const rendered = await renderTeamScreen(`/to/${TEAM_ID}`);
  await rendered.user.click(await screen.findByRole('button', { name: 'Thêm thành viên' }));
  const form = screen.getByRole('form', { name: 'Thành viên mới' });
  return { ...rendered, form };
}

async function fillMember(user: Awaited<ReturnType<typeof openNewMemberForm>>['user'], form: HTMLElement, values: { cccd: string; birthYear?: string }) {
  await user.type(within(form).getByLabelText('Họ và tên'), 'Hà Văn Minh');
  await user.type(within(form).getByLabelText('Số CCCD'), values.cccd);
  await user.type(within(form).getByLabelText('Số điện thoại'), '0900000004');
  if (values.birthYear) await user.type(within(form).getByLabelText('Năm sinh'), values.birthYear);
  await user.selectOptions(within(form).getByLabelText('Đơn vị'), 'Đoàn thanh niên');
}

// Typing a whole member on a busy 2-core machine can take a few seconds.
describe('member form', { timeout: 20_000 }, () => {
  it('shows why an 11-digit CCCD is refused beside the CCCD field, without calling the server', async () => {
    const { user, form } = await openNewMemberForm();
    await fillMember(user, form, { cccd: '03809500381' });
    await user.click(within(form).getByRole('button', { name: 'Lưu thành viên' }));

    const cccd = within(form).getByLabelText('Số CCCD');
    expect(cccd.getAttribute('aria-invalid')).toBe('true');
    expect(description(cccd)).toContain('Số CCCD gồm đúng 12 chữ số');
    expect(document.activeElement).toBe(cccd);
    expect(server.requests(ADD_URL)).toHaveLength(0);
  });

  it('shows beside the CCCD field that it disagrees with the birth year', async () => {
    const { user, form } = await openNewMemberForm();
    await fillMember(user, form, { cccd: '038095003817', birthYear: '1996' });
    await user.click(within(form).getByRole('button', { name: 'Lưu thành viên' }));
    expect(description(within(form).getByLabelText('Số CCCD'))).toContain('Số CCCD không khớp năm sinh');
    expect(within(form).getByLabelText('Năm sinh').getAttribute('aria-invalid')).toBeNull();
    expect(server.requests(ADD_URL)).toHaveLength(0);
  });

  it('puts the server’s “already listed in the commune” beside the CCCD field and keeps what was typed', async () => {
    server.on(ADD_URL, { status: 409, body: problem('roster.duplicate-cccd', undefined, { cccd: 'cccdDuplicate' }) });
    const { user, form } = await openNewMemberForm();
    await fillMember(user, form, { cccd: '038 095 003 817', birthYear: '1995' });
    await user.click(within(form).getByRole('button', { name: 'Lưu thành viên' }));

    const cccd = within(form).getByLabelText('Số CCCD');
    await vi.waitFor(() => expect(description(cccd)).toContain('Số CCCD này đã có trong danh sách của xã'));
    expect((cccd as HTMLInputElement).value).toBe('038 095 003 817');
    expect(server.requests(ADD_URL)[0]?.body).toMatchObject({ cccd: '038095003817', phone: '0900000004', birthYear: 1995, affiliation: 'youth-union', role: 'member' });
  });

  it('adds the member and shows the list again with the new member masked', async () => {
    const added = memberView({ id: '0190a000-0000-7000-8000-00000000b002', fullName: 'Hà Văn Minh', cccd: '038******817', phone: '0900•••004', role: 'member', birthYear: 1995 });
    server.on(ADD_URL, { status: 201, body: { member: added } });
    const { user, form } = await openNewMemberForm();
    await fillMember(user, form, { cccd: '038095003817', birthYear: '1995' });
    server.on(DETAIL_URL, { status: 200, body: teamDetail({ members: [memberView(), added] }) });
    await user.click(within(form).getByRole('button', { name: 'Lưu thành viên' }));

    expect(await screen.findByText('Đã thêm Hà Văn Minh.')).toBeTruthy();
    const card = await screen.findByRole('article', { name: 'Hà Văn Minh' });
    expect(within(card).getByText('038******817')).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Thành viên mới' })).toBeNull();
  });

  it('edits a member without sending the CCCD or phone when those fields stay empty', async () => {
    const url = `PATCH /api/teams/${TEAM_ID}/members/${memberView().id}`;
    server.on(url, { status: 200, body: { member: memberView({ affiliation: 'school' }) } });
    const { user } = await renderTeamScreen(`/to/${TEAM_ID}`);
    await user.click(await screen.findByRole('button', { name: 'Sửa thông tin Lò Văn Thắng' }));
    const form = screen.getByRole('form', { name: 'Lò Văn Thắng' });
    expect(description(within(form).getByLabelText('Số CCCD'))).toContain('Đang lưu 038******512');
    await user.selectOptions(within(form).getByLabelText('Đơn vị'), 'Trường học');
    await user.click(within(form).getByRole('button', { name: 'Lưu thành viên' }));

    await screen.findByText('Đã lưu thông tin Lò Văn Thắng.');
    const body = server.requests(url)[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({ fullName: 'Lò Văn Thắng', affiliation: 'school', birthYear: 1988 });
    expect(body).not.toHaveProperty('cccd');
    expect(body).not.toHaveProperty('phone');
  });
});

describe('team page', { timeout: 20_000 }, () => {
  it('shows CCCD and phone masked, and the whole numbers only after “show”, from the server', async () => {
    const revealUrl = `POST /api/teams/${TEAM_ID}/members/${memberView().id}/reveal`;
    server.on(revealUrl, { status: 200, body: { cccd: '038088004512', phone: '0900000003' } });
    const { user } = await renderTeamScreen(`/to/${TEAM_ID}`);
    const card = await screen.findByRole('article', { name: 'Lò Văn Thắng' });
    expect(within(card).getByText('038******512')).toBeTruthy();
    expect(within(card).getByText('0900•••003')).toBeTruthy();
    expect(card.textContent).not.toContain('038088004512');

    await user.click(within(card).getByRole('button', { name: /^Hiện số đầy đủ/ }));
    expect(await within(card).findByText('038088004512')).toBeTruthy();
    expect(within(card).getByRole('link', { name: 'Gọi 0900 000 003' }).getAttribute('href')).toBe('tel:0900000003');
    expect(server.requests(revealUrl)).toHaveLength(1);
    await user.click(within(card).getByRole('button', { name: /^Ẩn số/ }));
    expect(within(card).queryByText('038088004512')).toBeNull();
  });

  it('gives a volunteer the masked list with no button to show, edit or add', async () => {
    server.on(DETAIL_URL, {
      status: 200,
      body: teamDetail({ permissions: { manageTeam: false, deleteTeam: false, editMembers: false, reveal: false } }),
    });
    await logInAs('volunteer');
    await renderTeamScreen(`/to/${TEAM_ID}`);
    const card = await screen.findByRole('article', { name: 'Lò Văn Thắng' });
    expect(within(card).queryAllByRole('button')).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Thêm thành viên' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Nhập danh sách từ tệp' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Xóa tổ' })).toBeNull();
  });

  it('says so when the team belongs to another commune', async () => {
    server.problem(DETAIL_URL, 'auth.forbidden');
    await renderTeamScreen(`/to/${TEAM_ID}`);
    expect(await screen.findByText('Tài khoản của bạn không xem được tổ này.')).toBeTruthy();
  });
});
