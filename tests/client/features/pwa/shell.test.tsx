import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { routes } from '../../../../src/client/app/routes.ts';
import { UpdateBanner } from '../../../../src/client/features/pwa/update-banner.tsx';
import { isSkipWaitingMessage } from '../../../../src/client/sw/messages.ts';
import { ensureI18n, renderApp } from '../../../support/render-app.tsx';
import { serveAdminUnits } from '../area/admin-units-fixture.ts';

afterEach(() => {
  Reflect.deleteProperty(navigator, 'onLine');
  vi.unstubAllGlobals();
});

describe('the app shell', () => {
  it('says discreetly when the device goes offline and clears it when back online', async () => {
    await renderApp(routes.settings());
    expect(screen.queryByText(/^Đang ngoại tuyến/)).toBeNull();

    Object.defineProperty(navigator, 'onLine', { value: false, configurable: true });
    act(() => {
      window.dispatchEvent(new Event('offline'));
    });
    expect(screen.getByText(/^Đang ngoại tuyến/)).toBeTruthy();

    Reflect.deleteProperty(navigator, 'onLine');
    Object.defineProperty(navigator, 'onLine', { value: true, configurable: true });
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    expect(screen.queryByText(/^Đang ngoại tuyến/)).toBeNull();
  });

  it('sends a first-time visitor to the area picker', async () => {
    serveAdminUnits();
    const { router } = await renderApp(routes.home());
    expect(await screen.findByRole('heading', { level: 1, name: 'Chọn địa bàn' })).toBeTruthy();
    expect(router.state.location.pathname).toBe(routes.area());
  });

  it('shows a Vietnamese page for an unknown address, with the way home', async () => {
    await renderApp('/khong-co-trang-nay');
    expect(screen.getByRole('heading', { level: 1, name: 'Không tìm thấy trang' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Về trang chính' }).getAttribute('href')).toBe(routes.home());
  });

  it('updates only when the person taps reload', async () => {
    await ensureI18n();
    const onApply = vi.fn();
    const user = userEvent.setup();
    render(<UpdateBanner onApply={onApply} />);

    expect(screen.getByText('Có phiên bản mới của ứng dụng.')).toBeTruthy();
    expect(onApply).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Tải lại' }));
    expect(onApply).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: 'Đang tải lại…' })).toHaveProperty('disabled', true);
  });

  it('lets the service worker recognise only the skip-waiting message', () => {
    expect(isSkipWaitingMessage({ type: 'SKIP_WAITING' })).toBe(true);
    expect(isSkipWaitingMessage({ type: 'OTHER' })).toBe(false);
    expect(isSkipWaitingMessage('SKIP_WAITING')).toBe(false);
    expect(isSkipWaitingMessage(null)).toBe(false);
  });
});
