import type { Request, Response } from 'express';
import { isMessageKey, translator, type MessageKey, type Translate } from '../../../lib/i18n/catalog.js';
import { chooseLocale, type Locale } from '../../../lib/i18n/locales.js';
import { escapeHtml, SafeHtml } from './html.js';

/** A page's language and its words. */
export interface PageLanguage {
  readonly locale: Locale;
  readonly t: Translate;
}

/**
 * The language of a page: the authorization request's `ui_locales`, then the signed-in member's
 * profile language (when the page knows the member), then Accept-Language, else English. The
 * `ui_locales` is also noted on the response, so mails identity sends while serving the page use it
 * (execution/request-context.ts forwards it).
 */
export function pageLanguage(
  req: Request,
  res: Response,
  uiLocales: string | undefined,
  profileLanguage?: string | null,
): PageLanguage {
  if (uiLocales) res.locals['uiLocales'] = uiLocales;
  const locale = chooseLocale({ uiLocales, profileLanguage, acceptLanguage: req.headers['accept-language'] });
  return { locale, t: translator(locale) };
}

/**
 * A catalog text with markup in its placeholders (`to continue to {application}` with the name in
 * <strong>): the text is escaped, only the given SafeHtml goes in as markup.
 */
export function textWithMarkup(t: Translate, key: MessageKey, values: Readonly<Record<string, SafeHtml>>): SafeHtml {
  return new SafeHtml(
    t(key)
      .split(/(\{\w+\})/)
      .map((part) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        const value = name ? values[name] : undefined;
        return value ? value.value : escapeHtml(part);
      })
      .join(''),
  );
}

/** A scope's description in the page's language; identity's own words for a scope without a catalog entry. */
export function scopeDescription(t: Translate, scope: { name: string; description: string }): string {
  const key = `scope.${scope.name}`;
  return isMessageKey(key) ? t(key) : scope.description;
}
