import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../lib/errors/index.js';
import { Gender } from './gender.js';
import {
  checkAvatarUrl,
  checkBirthDate,
  checkCurrency,
  checkLanguage,
  checkPhone,
  validateProfileUpdate,
  type Checked,
} from './profile.service.js';

const value = (checked: Checked) => (checked.ok ? checked.value : undefined);

describe('profile field rules', () => {
  it('phone: E.164, 8 to 15 digits after +', () => {
    expect(checkPhone('+886912345678').ok).toBe(true);
    expect(checkPhone('+12345678').ok).toBe(true);
    expect(checkPhone('+123456789012345').ok).toBe(true);
    for (const bad of ['+1234567', '+1234567890123456', '886912345678', '+0912345678', '+886 912345678', ''])
      expect(checkPhone(bad).ok, bad).toBe(false);
  });

  it('birthDate: a real calendar date from 1900-01-01 up to today anywhere on Earth', () => {
    const now = new Date('2026-11-21T00:00:00Z');
    expect(checkBirthDate('2024-02-29', now).ok).toBe(true);
    expect(checkBirthDate('2023-02-29', now).ok).toBe(false);
    expect(checkBirthDate('2023-02-30', now).ok).toBe(false);
    expect(checkBirthDate('2023-13-01', now).ok).toBe(false);
    expect(checkBirthDate('2023-2-3', now).ok).toBe(false);
    expect(checkBirthDate('1900-01-01', now).ok).toBe(true);
    expect(checkBirthDate('1899-12-31', now).ok).toBe(false);
    expect(checkBirthDate('2026-11-21', now).ok).toBe(true);
    expect(checkBirthDate('2026-11-22', now).ok).toBe(false);
    // At noon UTC it is already the 22nd in UTC+14.
    expect(checkBirthDate('2026-11-22', new Date('2026-11-21T12:00:00Z')).ok).toBe(true);
  });

  it('language: BCP 47, stored canonical', () => {
    expect(value(checkLanguage('zh-tw'))).toBe('zh-TW');
    expect(value(checkLanguage('zh-hant-tw'))).toBe('zh-Hant-TW');
    expect(value(checkLanguage('EN'))).toBe('en');
    for (const bad of ['en_US', '', 'not a tag', '1234']) expect(checkLanguage(bad).ok, bad).toBe(false);
  });

  it('currency: ISO 4217 known to Intl, stored upper case', () => {
    expect(value(checkCurrency('twd'))).toBe('TWD');
    expect(value(checkCurrency('USD'))).toBe('USD');
    for (const bad of ['ABC', 'US', 'USDX', '', '12$']) expect(checkCurrency(bad).ok, bad).toBe(false);
  });

  it('avatarUrl: absolute http(s), at most 2048 characters', () => {
    expect(value(checkAvatarUrl('https://cdn.example.com/a.png'))).toBe('https://cdn.example.com/a.png');
    expect(checkAvatarUrl('http://cdn.example.com/a.png').ok).toBe(true);
    const atLimit = `https://cdn.example.com/${'a'.repeat(2048 - 'https://cdn.example.com/'.length)}`;
    expect(checkAvatarUrl(atLimit).ok).toBe(true);
    expect(checkAvatarUrl(`${atLimit}a`).ok).toBe(false);
    for (const bad of ['/a.png', 'cdn.example.com/a.png', 'ftp://cdn.example.com/a.png', 'javascript:alert(1)', ''])
      expect(checkAvatarUrl(bad).ok, bad).toBe(false);
  });
});

describe('validateProfileUpdate', () => {
  it('keeps absent fields out, nulls as clears, values normalized', () => {
    expect(validateProfileUpdate({ language: 'EN', phone: null, gender: Gender.OTHER, currency: undefined })).toEqual({
      language: 'en',
      phone: null,
      gender: 'OTHER',
    });
  });

  it('throws one VALIDATION_FAILED naming every bad field', () => {
    let thrown: unknown;
    try {
      validateProfileUpdate({ phone: 'x', currency: 'x', language: 'en' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const error = thrown as AppError;
    expect(error.code).toBe('VALIDATION_FAILED');
    const fields = (error.details as { fields: { field: string; message: string }[] }).fields;
    expect(fields.map((f) => f.field)).toEqual(['phone', 'currency']);
    expect(fields.every((f) => f.message.length > 0)).toBe(true);
  });
});
