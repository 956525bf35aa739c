import type { OutgoingCode } from '../../../../lib/delivery/sender.js';

/**
 * Every text of the primary-address mails, together in one place so that a message catalog can take
 * them over whole (issue #17, languages): a function per mail, its variables as arguments.
 */
export const emailVerificationMail = {
  /** Sign-up, or a resend: proves the account's own address. */
  verifyAddress: (to: string, link: string, code: string, minutes: number): OutgoingCode => ({
    to,
    subject: `Verify your e-mail address: ${code}`,
    text:
      `Confirm that this is your e-mail address by opening this link:\n\n${link}\n\n` +
      `or enter this code where you were asked for it: ${code}\n\n` +
      `The link and the code work once, for ${minutes} minutes. If you did not create an account, ignore this message.\n`,
  }),
  /** A change of address: sent to the new address, which replaces the old one once verified. */
  verifyNewAddress: (to: string, link: string, code: string, minutes: number): OutgoingCode => ({
    to,
    subject: `Confirm your new e-mail address: ${code}`,
    text:
      `You asked to use this address for your account. Confirm it by opening this link:\n\n${link}\n\n` +
      `or enter this code where you were asked for it: ${code}\n\n` +
      `Until you do, your account keeps its current address. The link and the code work once, for ${minutes} minutes. ` +
      `If you did not ask for this, ignore this message.\n`,
  }),
  /** Sent to the old address once the new one replaced it: the owner hears of a change they did not make. */
  addressChanged: (to: string, newAddress: string): OutgoingCode => ({
    to,
    subject: 'Your e-mail address was changed',
    text:
      `The e-mail address of your account was changed to ${newAddress}. Mail about your account now goes there, ` +
      `and this address no longer signs in.\n\n` +
      `If you did not make this change, contact your administrator at once.\n`,
  }),
};

/** An address shown to its former owner: enough to recognize, not enough to harvest. */
export function maskedAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address.slice(0, 1)}***${address.slice(at)}`;
}
