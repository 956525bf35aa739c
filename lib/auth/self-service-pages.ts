/**
 * Where the hosted self-service pages live: identity puts these in the links it mails, the gateway
 * serves them. Under `/oauth`, beside the sign-in page, because that is the path of the pages' cookies:
 * a password reset that signs the person in leaves them signed in for the authorization flow too.
 */
export const selfServicePages = {
  signUp: '/oauth/sign-up',
  verifyEmail: '/oauth/verify-email',
  forgotPassword: '/oauth/forgot-password',
  resetPassword: '/oauth/reset-password',
} as const;

/**
 * The absolute link to a page, carrying a single-use token and the language of the mail it is in
 * (as `ui_locales`), so the page opens in that language whatever the browser prefers.
 */
export function selfServiceLink(
  publicUrl: string,
  page: keyof typeof selfServicePages,
  token: string,
  locale?: string,
): string {
  const url = new URL(`${publicUrl}${selfServicePages[page]}`);
  url.searchParams.set('token', token);
  if (locale) url.searchParams.set('ui_locales', locale);
  return url.toString();
}
