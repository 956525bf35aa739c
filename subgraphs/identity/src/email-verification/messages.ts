import type { OutgoingCode } from '../../../../lib/delivery/sender.js';
import { translate } from '../../../../lib/i18n/catalog.js';
import type { Locale } from '../../../../lib/i18n/locales.js';

/**
 * The primary-address mails, their words from the message catalog (lib/i18n, `mail.*`) in the
 * language of the request that sends them: a function per mail, its variables as arguments.
 */
export const emailVerificationMail = {
  /** Sign-up, or a resend: proves the account's own address. */
  verifyAddress: (locale: Locale, to: string, link: string, code: string, minutes: number): OutgoingCode => ({
    to,
    subject: translate(locale, 'mail.verifyAddress.subject', { code }),
    text: translate(locale, 'mail.verifyAddress.body', { link, code, minutes }),
  }),
  /** A change of address: sent to the new address, which replaces the old one once verified. */
  verifyNewAddress: (locale: Locale, to: string, link: string, code: string, minutes: number): OutgoingCode => ({
    to,
    subject: translate(locale, 'mail.verifyNewAddress.subject', { code }),
    text: translate(locale, 'mail.verifyNewAddress.body', { link, code, minutes }),
  }),
  /** Sent to the old address once the new one replaced it: the owner hears of a change they did not make. */
  addressChanged: (locale: Locale, to: string, newAddress: string): OutgoingCode => ({
    to,
    subject: translate(locale, 'mail.addressChanged.subject'),
    text: translate(locale, 'mail.addressChanged.body', { address: newAddress }),
  }),
};

/** An address shown to its former owner: enough to recognize, not enough to harvest. */
export function maskedAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address.slice(0, 1)}***${address.slice(at)}`;
}
