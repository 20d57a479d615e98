import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { routes } from '../../../../src/client/app/routes.ts';
import { SKILL_CODES, SUB_SKILLS } from '../../../../src/shared/skills.ts';
import { renderResidents } from '../self-check/render-residents.tsx';

describe('the guides index', () => {
  it('lists the five skills as headings, each with a link to the guide of every sub-skill', async () => {
    await renderResidents(routes.guides());
    expect(await screen.findByRole('heading', { name: 'Hướng dẫn kỹ năng số', level: 1 })).toBeTruthy();
    const skills = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    expect(skills).toEqual([
      'Sử dụng dịch vụ công trực tuyến', 'Mua sắm trực tuyến', 'Thanh toán trực tuyến',
      'Tự bảo vệ mình trên không gian mạng', 'Sử dụng nền tảng số khác của địa phương',
    ]);
    const guideLinks = screen.getAllByRole('link').filter((a) => a.getAttribute('href')?.startsWith('/huong-dan/'));
    expect(guideLinks.map((a) => a.getAttribute('href'))).toEqual(SKILL_CODES.flatMap((s) => SUB_SKILLS[s].map(routes.guide)));
    // The guide's own title and summary where the content has them, the catalogue name otherwise.
    const first = screen.getByRole('link', { name: /Cài ứng dụng VNeID/ });
    expect(first.textContent).toContain('Bạn tự cài được ứng dụng VNeID trên điện thoại. · Khoảng 10 phút');
    expect(screen.getByRole('link', { name: /Theo dõi đơn hàng/ })).toBeTruthy();
    expect(screen.getByText('Làm thủ tục hành chính ngay tại nhà, không phải đi lại.')).toBeTruthy();
  });
});

describe('a guide', () => {
  it('shows what is needed, numbered steps, the safety warning and the self-check sentence', async () => {
    await renderResidents(routes.guide('vneid-install'));
    expect(await screen.findByRole('heading', { name: 'Cài ứng dụng VNeID', level: 1 })).toBeTruthy();
    expect(screen.getByText('Thời gian: Khoảng 10 phút')).toBeTruthy();
    const needs = screen.getByRole('heading', { name: 'Cần chuẩn bị' }).closest('section')!;
    expect(within(needs).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Điện thoại có mạng', 'Thẻ CCCD gắn chip']);
    const steps = screen.getByRole('heading', { name: 'Các bước' }).closest('section')!;
    expect(within(steps).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Bước 1: Mở CH Play hoặc App Store', 'Bước 2: Tìm "VNeID"', 'Bước 3: Bấm Cài đặt',
    ]);
    const warning = screen.getByRole('heading', { name: 'Lưu ý an toàn' }).closest('section')!;
    expect(warning.textContent).toContain('Chỉ tải VNeID từ kho ứng dụng chính thức.');
    expect(screen.getByText('Tôi tự cài được ứng dụng VNeID.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Tự đánh giá kỹ năng này' }).getAttribute('href')).toBe(routes.selfCheckSkill('public-services'));
  });

  it('leads to the next and previous guides of the same skill', async () => {
    const { user } = await renderResidents(routes.guide('vneid-install'));
    expect(screen.queryByRole('link', { name: /^Trước:/ })).toBeNull();
    await user.click(await screen.findByRole('link', { name: 'Tiếp: Có tài khoản định danh mức 2' }));
    expect(await screen.findByRole('heading', { name: 'Có tài khoản định danh mức 2', level: 1 })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Trước: Cài ứng dụng VNeID' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Tiếp: Đăng nhập Cổng Dịch vụ công quốc gia bằng VNeID' })).toBeTruthy();
  });

  it('says the content is missing rather than showing an empty guide', async () => {
    await renderResidents(routes.guide('shop-track-order'));
    expect(await screen.findByRole('heading', { name: 'Theo dõi đơn hàng', level: 1 })).toBeTruthy();
    expect(screen.getByText(/Chưa có nội dung hướng dẫn này trên máy/)).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Các bước' })).toBeNull();
  });

  it('says so for an address that is no guide', async () => {
    await renderResidents(routes.guide('juggling'));
    expect(await screen.findByRole('heading', { name: 'Không có hướng dẫn này', level: 1 })).toBeTruthy();
  });
});
