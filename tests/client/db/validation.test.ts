import { describe, expect, it } from 'vitest';
import { describeSaveFailure, ValidationError } from '../../../src/client/db/validation.ts';

const messages = { notFound: 'Không tìm thấy', invalid: 'Hãy sửa các mục báo đỏ', failed: 'Chưa lưu được' };

describe('describing a failed save', () => {
  it('gives the field messages and the form’s "fix the fields" message for invalid input', () => {
    expect(describeSaveFailure(new ValidationError({ headName: 'required' }), messages)).toEqual({
      fields: { headName: 'required' },
      message: 'Hãy sửa các mục báo đỏ',
    });
  });

  it('says the record is gone when the repository could not find it', () => {
    expect(describeSaveFailure(new ValidationError({ _: 'notFound' }), messages).message).toBe('Không tìm thấy');
  });

  it('keeps the fields as they are and says the save failed for anything that is not the input’s fault', () => {
    expect(describeSaveFailure(new DOMException('quota', 'QuotaExceededError'), messages)).toEqual({
      fields: null,
      message: 'Chưa lưu được',
    });
  });

  it('lets a form show no general message for invalid input', () => {
    expect(describeSaveFailure(new ValidationError({ fullName: 'required' }), { ...messages, invalid: null }).message).toBeNull();
  });
});
