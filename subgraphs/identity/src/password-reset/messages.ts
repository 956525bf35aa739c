import type { OutgoingCode } from '../../../../lib/delivery/sender.js';

/** Every text of the password reset mail, in one place for a message catalog to take over. */
export const passwordResetMail = {
  resetLink: (to: string, link: string, minutes: number): OutgoingCode => ({
    to,
    subject: 'Reset your password',
    text:
      `Someone (we hope you) asked to reset the password of the account with this address. ` +
      `Choose a new password here:\n\n${link}\n\n` +
      `The link works once, for ${minutes} minutes; asking again makes this one stop working. ` +
      `If you did not ask, ignore this message: your password stays as it is.\n`,
  }),
};
