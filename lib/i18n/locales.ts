/**
 * The languages of the hosted pages, mails and text messages, and how one is chosen for a request:
 * OpenID Connect `ui_locales` first (the application asked for it), then the member's profile
 * `language` (when known), then the browser's `Accept-Language`, else English.
 */
export const LOCALES = ['en', 'ko', 'zh-Hant'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Every language here is written left to right; `dir` is still set so a right-to-left one only adds a row. */
export const DIRECTION: Readonly<Record<Locale, 'ltr' | 'rtl'>> = { en: 'ltr', ko: 'ltr', 'zh-Hant': 'ltr' };

/** Traditional Chinese is what Taiwan, Hong Kong and Macao write; mainland (Simplified) tags do not match. */
const TRADITIONAL_REGIONS = new Set(['tw', 'hk', 'mo']);

/**
 * The supported language a BCP 47 tag asks for, or undefined. `zh-TW`, `zh-Hant-*`, `zh-HK`, `zh-MO`
 * and a bare `zh` (the legacy services wrote Traditional Chinese) are zh-Hant; `zh-CN` and `zh-Hans`
 * are not served rather than served in the wrong script.
 */
export function matchLocale(tag: string): Locale | undefined {
  const parts = tag.trim().toLowerCase().replace(/_/g, '-').split('-');
  const [language, ...rest] = parts;
  if (language === 'en') return 'en';
  if (language === 'ko') return 'ko';
  if (language !== 'zh') return undefined;
  if (rest.length === 0 || rest.includes('hant')) return 'zh-Hant';
  if (rest.includes('hans')) return undefined;
  return rest.some((part) => TRADITIONAL_REGIONS.has(part)) ? 'zh-Hant' : undefined;
}

/** `ui_locales`: space-separated tags in order of preference (OpenID Connect Core §3.1.2.1). */
export function firstUiLocale(uiLocales: string | null | undefined): Locale | undefined {
  for (const tag of (uiLocales ?? '').split(' ')) {
    const found = tag ? matchLocale(tag) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** `Accept-Language` (RFC 9110 §12.5.4): the highest-q supported tag; q=0 means "not this one". */
export function bestAcceptedLocale(header: string | null | undefined): Locale | undefined {
  const ranked = (header ?? '')
    .slice(0, 1024)
    .split(',')
    .map((entry, index) => {
      const [tag = '', ...params] = entry.split(';').map((part) => part.trim());
      const q = params.find((param) => param.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.tag && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const entry of ranked) {
    const found = matchLocale(entry.tag);
    if (found) return found;
  }
  return undefined;
}

/** What a request says about its reader's language, strongest first. */
export interface LanguageHints {
  readonly uiLocales?: string | null | undefined;
  readonly profileLanguage?: string | null | undefined;
  readonly acceptLanguage?: string | null | undefined;
}

export function chooseLocale(hints: LanguageHints): Locale {
  return (
    firstUiLocale(hints.uiLocales) ??
    (hints.profileLanguage ? matchLocale(hints.profileLanguage) : undefined) ??
    bestAcceptedLocale(hints.acceptLanguage) ??
    DEFAULT_LOCALE
  );
}

/**
 * The language of a mail or text sent while serving a request: what the gateway forwarded
 * (ui_locales of the page, the browser's Accept-Language; lib/http/origin.ts), with the member's
 * profile language between them when the sender can read it.
 */
export function localeForRequest(
  origin: { readonly uiLocales?: string | null; readonly acceptLanguage?: string | null },
  profileLanguage?: string | null,
): Locale {
  return chooseLocale({ uiLocales: origin.uiLocales, profileLanguage, acceptLanguage: origin.acceptLanguage });
}
