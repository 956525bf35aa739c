import { describe, expect, it } from 'vitest';
import { catalogs, translate } from './catalog.js';
import { LOCALES } from './locales.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const english = catalogs.en;

describe('message catalogs', () => {
  it.each(LOCALES)('%s has exactly the keys of the English catalog', (locale) => {
    const keys = Object.keys(catalogs[locale]).sort();
    const expected = Object.keys(english).sort();
    expect(
      keys.filter((key) => !expected.includes(key)),
      'extra keys',
    ).toEqual([]);
    expect(
      expected.filter((key) => !keys.includes(key)),
      'missing keys',
    ).toEqual([]);
  });

  it.each(LOCALES)('%s fills the same placeholders as English in every text', (locale) => {
    for (const [key, text] of Object.entries(catalogs[locale])) {
      expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(english[key as keyof typeof english]));
      expect(text.trim(), `${locale} ${key}`).not.toBe('');
    }
  });

  // A copied English text would pass the key check; each translation must be written in its script.
  it.each([
    ['ko', /[\uac00-\ud7a3]/],
    ['zh-Hant', /[\u4e00-\u9fff]/],
  ] as const)('every %s text is written in its own script', (locale, script) => {
    const untranslated = Object.entries(catalogs[locale]).filter(([, text]) => !script.test(text));
    expect(untranslated).toEqual([]);
  });

  it('fills values and leaves an unknown placeholder visible', () => {
    expect(translate('ko', 'consent.signedInAs', { email: 'a@example.com' })).toBe(
      'a@example.com(으)로 로그인되어 있습니다.',
    );
    expect(translate('en', 'signIn.pageTitle')).toBe('Sign in to {application}');
  });
});
