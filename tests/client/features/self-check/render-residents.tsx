/**
 * Renders the app at a path with the residents' screens (self-check, its skill pages, the household link, the
 * guides, the household card and page) mounted, their lazy namespaces loaded, and two fixture guides standing in
 * for locales/<lang>/guides.json, so the tests do not depend on the guides' wording.
 */
import i18next from 'i18next';
import { vi } from 'vitest';
import { routePatterns } from '../../../../src/client/app/routes.ts';
import { loadNamespaces } from '../../../../src/client/lib/i18n.ts';
import { SelfCheckPage } from '../../../../src/client/features/self-check/self-check-page.tsx';
import { SelfCheckSkillPage } from '../../../../src/client/features/self-check/self-check-skill-page.tsx';
import { HouseholdLinkPage } from '../../../../src/client/features/self-check/household-link-page.tsx';
import { GuidesPage } from '../../../../src/client/features/guides/guides-page.tsx';
import { GuidePage } from '../../../../src/client/features/guides/guide-page.tsx';
import { HouseholdCardPage } from '../../../../src/client/features/household-card/household-card-page.tsx';
import { HouseholdPage } from '../../../../src/client/features/households/household-page.tsx';
import { ensureI18n, renderApp } from '../../../support/render-app.tsx';

export const FIXTURE_GUIDES = {
  skill: { 'public-services': { intro: 'Làm thủ tục hành chính ngay tại nhà, không phải đi lại.' } },
  guide: {
    'vneid-install': {
      title: 'Cài ứng dụng VNeID',
      summary: 'Bạn tự cài được ứng dụng VNeID trên điện thoại.',
      duration: 'Khoảng 10 phút',
      needs: ['Điện thoại có mạng', 'Thẻ CCCD gắn chip'],
      steps: ['Mở CH Play hoặc App Store', 'Tìm "VNeID"', 'Bấm Cài đặt'],
      warning: 'Chỉ tải VNeID từ kho ứng dụng chính thức.',
      check: 'Tôi tự cài được ứng dụng VNeID.',
    },
    'vneid-level2': {
      title: 'Có tài khoản định danh mức 2',
      summary: 'Bạn biết cách đăng ký tài khoản định danh điện tử mức 2.',
      duration: 'Khoảng 20 phút',
      needs: ['Thẻ CCCD gắn chip'],
      steps: ['Đến công an xã', 'Xuất trình CCCD', 'Kích hoạt tài khoản trên VNeID'],
      warning: 'Không ai được thu tiền để cấp tài khoản mức 2.',
      check: 'Tôi đã có tài khoản VNeID mức 2 và tự đăng nhập được.',
    },
  },
};

let fixtureLoaded = false;

/** Loads the lazy namespaces the residents' screens need, with the fixture guides in place of the real ones. */
export async function loadResidentStrings(): Promise<void> {
  await ensureI18n();
  if (!fixtureLoaded) {
    // Present before loadNamespaces runs, so the real guides.json is never merged over it.
    i18next.addResourceBundle('vi', 'guides', FIXTURE_GUIDES, false, true);
    fixtureLoaded = true;
  }
  await loadNamespaces('self-check', 'guides');
}

export async function renderResidents(path: string) {
  await loadResidentStrings();
  return renderApp(path, {
    routes: [
      { path: routePatterns.selfCheck, element: <SelfCheckPage /> },
      { path: routePatterns.selfCheckSkill, element: <SelfCheckSkillPage /> },
      { path: routePatterns.householdLink, element: <HouseholdLinkPage /> },
      { path: routePatterns.guides, element: <GuidesPage /> },
      { path: routePatterns.guide, element: <GuidePage /> },
      { path: routePatterns.householdCard, element: <HouseholdCardPage /> },
      { path: routePatterns.household, element: <HouseholdPage /> },
    ],
  });
}

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

export const problem = (code: string, status: number) =>
  new Response(JSON.stringify({ type: 'about:blank', title: code, status, code }), {
    status, headers: { 'Content-Type': 'application/problem+json' },
  });

/** fetch() answered by `answer` for /api calls; returns the mock to inspect the requests. */
export function stubApi(answer: (url: string, init: RequestInit | undefined) => Response | Promise<Response>) {
  const mock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return answer(url, init);
  });
  vi.stubGlobal('fetch', mock);
  return mock;
}
