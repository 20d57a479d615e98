import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { getSyncStatus } from '../../../../src/client/db/sync-state.ts';
import { SyncPage } from '../../../../src/client/features/sync-status/sync-page.tsx';
import { logIn } from '../../../../src/client/sync/session.ts';
import { ensureI18n } from '../../../support/render-app.tsx';
import { FakeServer, PASSWORD, PHONE } from '../../sync/fake-server.ts';

let server: FakeServer;

beforeEach(() => {
  server = new FakeServer();
  server.install();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the "Đồng bộ ngay" answer', () => {
  it('names the same reason as the sync status when the server sends a change the contract refuses', async () => {
    await logIn(PHONE, PASSWORD);
    await vi.waitFor(async () => expect((await getSyncStatus()).lastSuccessAt).not.toBeNull());
    // A visit with a field the strict visit schema does not know (as a server adding `version` to visits would send).
    server.nextPullOverride = (after) => ({
      changes: [{ seq: after + 1, entity: 'visit', record: { id: 'not-a-visit', version: 1 } }],
      cursor: after + 1,
      hasMore: false,
    });
    await ensureI18n();
    const router = createMemoryRouter([{ path: '/dong-bo', element: <SyncPage /> }], { initialEntries: ['/dong-bo'] });
    render(<RouterProvider router={router} />);
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Đồng bộ ngay' }));

    const badResponse = 'Chưa đồng bộ được: Máy chủ trả lời không đúng định dạng. Hãy cập nhật ứng dụng rồi thử lại.';
    // Once as the button's answer, once as the status notice.
    await vi.waitFor(() => expect(screen.getAllByText(badResponse)).toHaveLength(2), { timeout: 5000 });
    expect(screen.queryByText(/lỗi không xác định/)).toBeNull();
  });
});
