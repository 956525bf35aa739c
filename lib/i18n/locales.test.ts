import { describe, expect, it } from 'vitest';
import { bestAcceptedLocale, chooseLocale, firstUiLocale, matchLocale } from './locales.js';

describe('choosing a language', () => {
  it('maps tags to the supported languages, Traditional Chinese by script or region', () => {
    expect(matchLocale('ko-KR')).toBe('ko');
    expect(matchLocale('en_US')).toBe('en');
    expect(matchLocale('zh-TW')).toBe('zh-Hant');
    expect(matchLocale('zh-Hant-HK')).toBe('zh-Hant');
    expect(matchLocale('zh')).toBe('zh-Hant');
    expect(matchLocale('zh-CN')).toBeUndefined();
    expect(matchLocale('zh-Hans-TW')).toBeUndefined();
    expect(matchLocale('fr')).toBeUndefined();
  });

  it('takes the first supported ui_locales entry', () => {
    expect(firstUiLocale('fr-CA zh-TW ko')).toBe('zh-Hant');
    expect(firstUiLocale('fr de')).toBeUndefined();
    expect(firstUiLocale(undefined)).toBeUndefined();
  });

  it('ranks Accept-Language by q-value, then by order, and ignores q=0', () => {
    expect(bestAcceptedLocale('fr;q=0.9, ko;q=0.5, zh-TW;q=0.8')).toBe('zh-Hant');
    expect(bestAcceptedLocale('ko;q=0, en;q=0.1')).toBe('en');
    expect(bestAcceptedLocale('ko, zh-TW')).toBe('ko');
    expect(bestAcceptedLocale('de;q=abc')).toBeUndefined();
  });

  it('prefers ui_locales, then the profile language, then Accept-Language, else English', () => {
    expect(chooseLocale({ uiLocales: 'ko', profileLanguage: 'zh-TW', acceptLanguage: 'en' })).toBe('ko');
    expect(chooseLocale({ uiLocales: 'fr', profileLanguage: 'zh-TW', acceptLanguage: 'ko' })).toBe('zh-Hant');
    expect(chooseLocale({ profileLanguage: 'de', acceptLanguage: 'ko-KR,en;q=0.5' })).toBe('ko');
    expect(chooseLocale({ acceptLanguage: 'fr' })).toBe('en');
    expect(chooseLocale({})).toBe('en');
  });
});
