import type { OutgoingCode } from '../../../../lib/delivery/sender.js';
import { translate } from '../../../../lib/i18n/catalog.js';
import type { Locale } from '../../../../lib/i18n/locales.js';

/** The password reset mail, its words from the message catalog (lib/i18n, `mail.passwordReset.*`). */
export const passwordResetMail = {
  resetLink: (locale: Locale, to: string, link: string, minutes: number): OutgoingCode => ({
    to,
    subject: translate(locale, 'mail.passwordReset.subject'),
    text: translate(locale, 'mail.passwordReset.body', { link, minutes }),
  }),
};
