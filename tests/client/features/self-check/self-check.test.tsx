import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { syncEngineSettled } from '../../../../src/client/sync/scheduler.ts';
import { routes } from '../../../../src/client/app/routes.ts';
import { getDb } from '../../../../src/client/db/database.ts';
import { getSelfCheckDraft, listSends, queueSelfCheckSend, saveSelfCheckAnswers, setSelfCheckLink } from '../../../../src/client/db/self-checks.ts';
import { sendQueuedSelfChecks } from '../../../../src/client/features/self-check/self-check-sender.ts';
import { json, problem, renderResidents, stubApi } from './render-residents.tsx';

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

describe('the resident answers the self-check on the device', () => {
  it('answers a skill with the guide sentences, keeps the answers, and shows progress and what to learn next', async () => {
    const { user } = await renderResidents(routes.selfCheck());
    const card = (await screen.findByRole('heading', { name: 'Sử dụng dịch vụ công trực tuyến' })).closest('li')!;
    expect(within(card).getByText('Chưa trả lời')).toBeTruthy();
    await user.click(within(card).getByRole('link', { name: 'Trả lời về kỹ năng Sử dụng dịch vụ công trực tuyến' }));

    const install = await screen.findByRole('group', { name: 'Tôi tự cài được ứng dụng VNeID.' });
    await user.click(within(install).getByRole('radio', { name: 'Tôi tự làm được' }));
    const level2 = screen.getByRole('group', { name: 'Tôi đã có tài khoản VNeID mức 2 và tự đăng nhập được.' });
    await user.click(within(level2).getByRole('radio', { name: 'Cần người giúp' }));
    // A sub-skill without a fixture guide asks with its catalogue name.
    const submit = screen.getByRole('group', { name: 'Nộp hồ sơ thủ tục hành chính trực tuyến' });
    await user.click(within(submit).getByRole('radio', { name: 'Chưa biết' }));
    expect(within(install).getByRole('link', { name: 'Xem hướng dẫn: Cài ứng dụng VNeID' }).getAttribute('href')).toBe(routes.guide('vneid-install'));

    await waitFor(async () =>
      expect((await getSelfCheckDraft()).answers).toEqual({
        'vneid-install': 'alone', 'vneid-level2': 'with-help', 'public-portal-submit': 'not-yet',
      }),
    );
    await user.click(screen.getByRole('link', { name: 'Xong, xem kết quả' }));
    const done = (await screen.findByRole('heading', { name: 'Sử dụng dịch vụ công trực tuyến' })).closest('li')!;
    expect(within(done).getByText('Cần người giúp')).toBeTruthy();
    expect(within(done).getByText('1/5 việc tự làm được')).toBeTruthy();
    // Closest to done first: the one done with help.
    expect(within(done).getByRole('link', { name: 'Nên học tiếp: Có tài khoản định danh mức 2' }).getAttribute('href'))
      .toBe(routes.guide('vneid-level2'));
  });

  it('shows saved answers when the resident comes back, and lets them change or clear one', async () => {
    await saveSelfCheckAnswers({ 'vneid-install': 'not-yet' });
    const { user } = await renderResidents(routes.selfCheckSkill('public-services'));
    const install = await screen.findByRole('group', { name: 'Tôi tự cài được ứng dụng VNeID.' });
    await waitFor(() => expect((within(install).getByRole('radio', { name: 'Chưa biết' }) as HTMLInputElement).checked).toBe(true));
    await user.click(within(install).getByRole('radio', { name: 'Tôi tự làm được' }));
    await waitFor(async () => expect((await getSelfCheckDraft()).answers).toEqual({ 'vneid-install': 'alone' }));
    await user.click(within(install).getByRole('button', { name: 'Bỏ câu trả lời: Cài đặt ứng dụng VNeID' }));
    await waitFor(async () => expect((await getSelfCheckDraft()).answers).toEqual({}));
  });

  it('says so when the skill in the address does not exist', async () => {
    await renderResidents(routes.selfCheckSkill('cooking'));
    expect(await screen.findByRole('heading', { name: 'Không có kỹ năng này', level: 1 })).toBeTruthy();
  });
});

describe('a household link', () => {
  it('opened offline, remembers the code and leads to the self-check, which will send to that household', async () => {
    stubApi(() => {
      throw new TypeError('Failed to fetch');
    });
    const { user } = await renderResidents(routes.householdLink('k7qm-4xpd-9t2w-r'));
    expect(await screen.findByText(/Máy đang không có mạng/)).toBeTruthy();
    expect((await getSelfCheckDraft()).link).toEqual({ code: CODE, hamletName: null });
    await user.click(screen.getByRole('link', { name: 'Bắt đầu tự đánh giá' }));
    expect(await screen.findByText('Kết quả sẽ gửi cho hộ có mã K7QM-4XPD-9T2W-R.')).toBeTruthy();
  });

  it('opened online, names the hamlet — and only the hamlet', async () => {
    const api = stubApi((url) => (url.endsWith(`/api/links/${CODE}`) ? json({ hamletName: 'Bản Đôn' }) : problem('not-found', 404)));
    await renderResidents(routes.householdLink(CODE));
    expect(await screen.findByText('Thẻ này của một hộ ở Bản Đôn.')).toBeTruthy();
    await waitFor(async () => expect((await getSelfCheckDraft()).link).toEqual({ code: CODE, hamletName: 'Bản Đôn' }));
    expect(api.mock.calls[0]?.[1]?.headers).toBeInstanceOf(Headers);
    expect((api.mock.calls[0]?.[1]?.headers as Headers).has('Authorization')).toBe(false);
  });

  it('with a revoked or unknown code, says the code does not work', async () => {
    stubApi(() => problem('link.not-found', 404));
    await renderResidents(routes.householdLink(CODE));
    expect(await screen.findByText(/Mã hộ này không dùng được/)).toBeTruthy();
  });

  it('without a valid code in the address, offers to type it, with the message beside the field', async () => {
    const { user } = await renderResidents(routes.householdLink('xyz'));
    const field = await screen.findByLabelText('Mã trên thẻ hộ gia đình');
    await user.type(field, 'K7QM-4XPD');
    await user.click(screen.getByRole('button', { name: 'Dùng mã này' }));
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('Mã chưa đúng: cần đủ 13 chữ và số như in trên thẻ.');
  });

  it('typed on the self-check page (lower case, with spaces and O for 0) links the household', async () => {
    const { user } = await renderResidents(routes.selfCheck());
    await user.type(await screen.findByLabelText('Mã trên thẻ hộ gia đình'), 'k7qm 4xpd 9t2w r');
    await user.click(screen.getByRole('button', { name: 'Dùng mã này' }));
    expect(await screen.findByText('Kết quả sẽ gửi cho hộ có mã K7QM-4XPD-9T2W-R.')).toBeTruthy();
  });
});

describe('sending the self-check', () => {
  it('queues it when offline and sends it, once, when the network is back', async () => {
    await saveSelfCheckAnswers({ 'vneid-install': 'alone', 'safety-fake-calls': 'with-help' });
    await setSelfCheckLink(CODE, 'Bản Đôn');
    let online = false;
    const bodies: unknown[] = [];
    stubApi((url, init) => {
      if (!online) throw new TypeError('Failed to fetch');
      expect(url).toBe(`/api/links/${CODE}/self-checks`);
      bodies.push(JSON.parse(String(init?.body)));
      return json({ status: 'applied' });
    });
    goOffline();
    const { user } = await renderResidents(routes.selfCheck());
    expect(await screen.findByText('Kết quả sẽ gửi cho một hộ ở Bản Đôn (mã K7QM-4XPD-9T2W-R).')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Gửi kết quả' }));
    expect(await screen.findByText(/Máy đang không có mạng: kết quả sẽ tự gửi khi có mạng/)).toBeTruthy();
    expect(await screen.findByText('Đang chờ gửi')).toBeTruthy();

    online = true;
    await sendQueuedSelfChecks();
    expect(await screen.findByText('Đã gửi')).toBeTruthy();
    await sendQueuedSelfChecks();
    expect(bodies).toHaveLength(1);
    const [sent] = await listSends();
    expect(bodies[0]).toEqual({ id: sent!.id, answeredAt: sent!.answeredAt, answers: { 'vneid-install': 'alone', 'safety-fake-calls': 'with-help' } });
  });

  it('keeps a send the server refuses (revoked code) visible and does not retry it', async () => {
    await saveSelfCheckAnswers({ 'pay-vietqr': 'not-yet' });
    await setSelfCheckLink(CODE);
    const api = stubApi(() => problem('link.not-found', 404));
    await queueSelfCheckSend();
    await sendQueuedSelfChecks();
    await sendQueuedSelfChecks();
    expect(api).toHaveBeenCalledTimes(1);
    expect((await listSends())[0]).toMatchObject({ state: 'refused', lastError: 'link.not-found' });
    await renderResidents(routes.selfCheck());
    expect(await screen.findByText('Không gửi được')).toBeTruthy();
    expect(screen.getByText(/Mã hộ này không dùng được/)).toBeTruthy();
  });

  it('keeps a send queued while the server is busy or limits the rate, and stops trying others until later', async () => {
    await saveSelfCheckAnswers({ 'pay-vietqr': 'alone' });
    await setSelfCheckLink(CODE);
    await queueSelfCheckSend();
    await queueSelfCheckSend();
    const api = stubApi(() => problem('rate-limited', 429));
    await sendQueuedSelfChecks();
    expect(api).toHaveBeenCalledTimes(1);
    expect((await listSends()).map((s) => s.state)).toEqual(['queued', 'queued']);
  });

  it('asks for an answer before sending', async () => {
    await setSelfCheckLink(CODE);
    const { user } = await renderResidents(routes.selfCheck());
    await user.click(await screen.findByRole('button', { name: 'Gửi kết quả' }));
    expect(await screen.findByText('Hãy trả lời ít nhất một câu trước khi gửi.')).toBeTruthy();
    expect(await getDb().selfCheckSends.count()).toBe(0);
  });
});
