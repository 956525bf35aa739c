import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 8;
/** argon2 hashes what it is given; a cap keeps one request from costing seconds of CPU. */
export const PASSWORD_MAX_LENGTH = 256;

/** ~49,000 most common passwords (zxcvbn-ts' dictionary), compared case-insensitively. */
const commonPasswords = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/**
 * What is wrong with a new password, in words a person can act on; empty when it is acceptable.
 * Rules: 8 to 256 characters, not the account's email (or its local part), not a common password.
 */
export function passwordProblems(password: string, context: { email?: string | null } = {}): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  const lowered = password.toLowerCase();
  const email = context.email?.toLowerCase();
  if (email && (lowered === email || lowered === email.split('@')[0])) problems.push('must not be your email address');
  if (commonPasswords.has(lowered)) problems.push('is too common; choose one that is not on lists of leaked passwords');
  return problems;
}
