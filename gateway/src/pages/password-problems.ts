import type { MessageKey, Translate } from '../../../lib/i18n/catalog.js';

/**
 * identity's password policy (subgraphs/identity/src/user/password-policy.ts) says what is wrong in
 * English field messages ("must be at least 8 characters"); the pages say each in the reader's
 * language. A message not recognized here (a rule added later) falls back to the whole rule.
 */
const RULES: readonly (readonly [string, MessageKey])[] = [
  ['must be at least', 'password.tooShort'],
  ['must be at most', 'password.tooLong'],
  ['must not be your email', 'password.isEmail'],
  ['is too common', 'password.tooCommon'],
];

/** The field messages of a VALIDATION_FAILED error's `details.fields` for `field`. */
export function fieldMessages(details: Readonly<Record<string, unknown>>, field: string): string[] {
  const fields = details['fields'];
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { field: name, message } = entry as { field?: unknown; message?: unknown };
    return name === field && typeof message === 'string' ? [message] : [];
  });
}

/** The refused password's problems in the page's language, or `fallback` when none is recognized. */
export function passwordProblemText(t: Translate, messages: readonly string[], fallback: MessageKey): string {
  const keys = RULES.filter(([start]) => messages.some((message) => message.startsWith(start))).map(([, key]) => key);
  return keys.length > 0 ? keys.map((key) => t(key)).join(' ') : t(fallback);
}
