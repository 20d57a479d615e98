import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { syncEngineSettled } from '../../../../src/client/sync/scheduler.ts';
import { routes } from '../../../../src/client/app/routes.ts';
import { getDb } from '../../../../src/client/db/database.ts';
import { createHamlet } from '../../../../src/client/db/hamlets.ts';
import { createHousehold } from '../../../../src/client/db/households.ts';
import { getHouseholdCard } from '../../../../src/client/db/household-links.ts';
import { saveSession } from '../../../../src/client/db/sync-state.ts';
import { sendQueuedSelfChecks } from '../../../../src/client/features/self-check/self-check-sender.ts';
import { json, problem, renderResidents, stubApi } from './render-residents.tsx';

const AREA = { provinceCode: '01', communeCode: '00004' };
const LINK_ID = '0190a000-0000-7000-8000-000000000777';
const CODE = 'K7QM4XPD9T2WR';

let offline: { mockRestore(): void } | null = null;
function goOffline() {
  offline = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
}

afterEach(async () => {
  // The layout's background work (sync engine, self-check sender) must finish on the stubbed network.
  cleanup();
  await syncEngineSettled();
  await sendQueuedSelfChecks();
  vi.unstubAllGlobals();
  offline?.mockRestore();
  offline = null;
});

async function syncedHousehold() {
  const hamlet = await createHamlet(AREA, { name: 'Thôn Đông' });
  const household = await createHousehold({ ...AREA, hamletId: hamlet.id }, { headName: 'Lò Văn Pành', address: '', phone: '0912345678', note: '' }, []);
  await getDb().households.update(household.id, { version: 1 });
  return household;
}

async function logIn() {
  await saveSession({
    token: 'token-token-token-token',
    expiresAt: '2099-01-01T00:00:00.000Z',
    user: { id: '0190a000-0000-7000-8000-000000000001', name: 'Hoa', phone: '0912•••678', role: 'volunteer', scope: { kind: 'communes', communes: ['00004'] }, scopeLabel: 'Ba Đình', teamId: null },
  });
}

describe('the household card', () => {
  it('is created online, shows a QR code and the grouped code but no name or phone, and stays on the device', async () => {
    const household = await syncedHousehold();
    await logIn();
    let links: unknown[] = [];
    const api = stubApi((url, init) => {
      if (url === '/api/household-links' && init?.method === 'POST') {
        links = [{ id: LINK_ID, householdId: household.id, hint: 'T2WR', createdAt: '2026-11-22T02:00:00.000Z', revokedAt: null }];
        return json({ id: LINK_ID, householdId: household.id, code: CODE, hamletName: 'Thôn Đông', createdAt: '2026-11-22T02:00:00.000Z' }, 201);
      }
      if (url === `/api/households/${household.id}/links`) return json({ links });
      return problem('not-found', 404);
    });
    const { user, unmount } = await renderResidents(routes.householdCard(household.id));
    expect(await screen.findByText('Hộ này chưa có mã nào.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Tạo thẻ hộ' }));

    const card = (await screen.findByRole('heading', { name: 'Tự đánh giá kỹ năng số' })).closest('section')!;
    expect(within(card).getByRole('img', { name: 'Mã QR mở trang tự đánh giá của hộ' }).querySelector('path')?.getAttribute('d')).toMatch(/^M\d/);
    expect(within(card).getByText('K7QM-4XPD-9T2W-R')).toBeTruthy();
    expect(within(card).getByText('Hộ gia đình ở Thôn Đông')).toBeTruthy();
    expect(card.textContent).not.toContain('Lò Văn Pành');
    expect(card.textContent).not.toContain('0912');
    expect(await screen.findByText(/Mã kết thúc bằng T2WR/)).toBeTruthy();
    const create = api.mock.calls.find(([u]) => u === '/api/household-links');
    expect(JSON.parse(String(create?.[1]?.body))).toEqual({ householdId: household.id });
    expect(await getHouseholdCard(household.id)).toMatchObject({ code: CODE, linkId: LINK_ID });

    // Later, offline: the card is still there, read from the device.
    unmount();
    goOffline();
    stubApi(() => {
      throw new TypeError('Failed to fetch');
    });
    await renderResidents(routes.householdCard(household.id));
    expect(await screen.findByText('K7QM-4XPD-9T2W-R')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'In thẻ' })).toBeTruthy();
    expect(screen.getByText(/Cần có mạng và đăng nhập/)).toBeTruthy();
  });

  it('revokes a code after asking, and forgets that card on the device', async () => {
    const household = await syncedHousehold();
    await logIn();
    await getDb().householdCards.put({ householdId: household.id, linkId: LINK_ID, code: CODE, hamletName: 'Thôn Đông', createdAt: '2026-11-22T02:00:00.000Z' });
    let revokedAt: string | null = null;
    stubApi((url, init) => {
      if (url === `/api/household-links/${LINK_ID}/revoke` && init?.method === 'POST') {
        revokedAt = '2026-11-22T03:00:00.000Z';
        return json({ id: LINK_ID, householdId: household.id, hint: 'T2WR', createdAt: '2026-11-22T02:00:00.000Z', revokedAt });
      }
      if (url === `/api/households/${household.id}/links`) {
        return json({ links: [{ id: LINK_ID, householdId: household.id, hint: 'T2WR', createdAt: '2026-11-22T02:00:00.000Z', revokedAt }] });
      }
      return problem('not-found', 404);
    });
    const { user } = await renderResidents(routes.householdCard(household.id));
    await user.click(await screen.findByRole('button', { name: 'Thu hồi mã kết thúc bằng T2WR' }));
    expect(screen.getByText(/Người dân sẽ không gửi được kết quả bằng mã này nữa/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Thu hồi mã' }));
    expect(await screen.findByText('Đã thu hồi mã. Bạn có thể tạo mã mới.')).toBeTruthy();
    expect(await screen.findByText('Đã thu hồi ngày 22/11/2026')).toBeTruthy();
    await waitFor(async () => expect(await getHouseholdCard(household.id)).toBeNull());
    expect(screen.queryByText('K7QM-4XPD-9T2W-R')).toBeNull();
  });

  it('asks to sync first for a household the server has not received', async () => {
    const hamlet = await createHamlet(AREA, { name: 'Thôn Tây' });
    const household = await createHousehold({ ...AREA, hamletId: hamlet.id }, { headName: 'Hà Thị Mơ', address: '', phone: '', note: '' }, []);
    await logIn();
    const api = stubApi(() => problem('not-found', 404));
    await renderResidents(routes.householdCard(household.id));
    expect(await screen.findByText('Hộ này chưa được gửi lên máy chủ. Hãy đồng bộ trước rồi tạo thẻ.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Tạo thẻ hộ' })).toBeNull();
    expect(api).not.toHaveBeenCalled();
  });

  it('shows the server\'s refusal in words (e.g. another commune\'s household)', async () => {
    const household = await syncedHousehold();
    await logIn();
    stubApi((url) => (url === '/api/household-links' ? problem('auth.forbidden', 403) : json({ links: [] })));
    const { user } = await renderResidents(routes.householdCard(household.id));
    await user.click(await screen.findByRole('button', { name: 'Tạo thẻ hộ' }));
    expect(await screen.findByText('Chưa làm được: Tài khoản của bạn không có quyền làm việc này.')).toBeTruthy();
  });
});
