import { en, type MessageKey } from './catalog/en.js';
import { ko } from './catalog/ko.js';
import { zhHant } from './catalog/zh-Hant.js';
import type { Locale } from './locales.js';

export type { MessageKey } from './catalog/en.js';

/** Every language's catalog; a language is a row here, in locales.ts, and a file in catalog/. */
export const catalogs: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = {
  en,
  ko,
  'zh-Hant': zhHant,
};

export type MessageValues = Readonly<Record<string, string | number>>;

/**
 * The text of `key` in `locale`, with each `{name}` replaced by `values[name]`. Values are inserted
 * as they are (pages escape the result; mails are plain text), and a `{name}` without a value stays
 * visible rather than silently vanishing.
 */
export function translate(locale: Locale, key: MessageKey, values: MessageValues = {}): string {
  return catalogs[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}

/** The translator of one language, as pages and mails take it. */
export type Translate = (key: MessageKey, values?: MessageValues) => string;

export function translator(locale: Locale): Translate {
  return (key, values) => translate(locale, key, values);
}

/** Whether `key` names a catalog entry (for keys built from data, such as scope names). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}
