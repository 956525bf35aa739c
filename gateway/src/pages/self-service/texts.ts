/**
 * Every text of the self-service pages (e-mail verification, forgotten password), together so that a
 * message catalog can take them over whole (issue #17, languages): one entry per page, its variables
 * as function arguments. Markup stays in views.ts.
 */
export const selfServiceTexts = {
  verifyEmail: {
    VERIFIED: { title: 'E-mail address verified', message: (email: string) => `${email} is verified. Thank you.` },
    CHANGED: {
      title: 'E-mail address changed',
      message: (email: string) => `Your account now uses ${email}. We told your previous address.`,
    },
    USED: {
      title: 'Link already used',
      message: () => 'This verification link was used before. If your address is verified, there is nothing to do.',
    },
    EXPIRED: {
      title: 'Link expired',
      message: () => 'This verification link has expired. Sign in and ask for a new one.',
    },
    SUPERSEDED: {
      title: 'Link replaced',
      message: () => 'A newer verification message was sent, or the address changed since. Use the newest link.',
    },
    INVALID: {
      title: 'Link not valid',
      message: () => 'This verification link is not valid. Check that it is complete.',
    },
    TAKEN: {
      title: 'Address taken',
      message: () => 'Another account uses this address now, so it cannot replace yours.',
    },
  },
  forgot: {
    title: 'Forgot your password?',
    lead: 'Enter the e-mail address of your account and we will send you a link to choose a new password.',
    emailLabel: 'E-mail address',
    submit: 'Send the link',
    sentTitle: 'Check your e-mail',
    sent: (minutes: number) =>
      `If an account uses this address, a link to reset its password is on its way. It works once, for ${minutes} minutes.`,
    missingEmail: 'Enter your e-mail address.',
    backToSignIn: 'Back to sign in',
  },
  reset: {
    title: 'Choose a new password',
    lead: 'At least 8 characters, not your e-mail address, not a common password. Every other session will be signed out.',
    passwordLabel: 'New password',
    submit: 'Set the password',
    doneTitle: 'Password changed',
    done: (email: string) =>
      `You are signed in as ${email}. Every other session of your account was signed out. You can close this page.`,
    refused: {
      used: { title: 'Link already used', message: 'This password reset link was used before. Ask for a new one.' },
      expired: { title: 'Link expired', message: 'This password reset link has expired. Ask for a new one.' },
      superseded: {
        title: 'Link replaced',
        message: 'A newer password reset link was sent. Use the newest one, or ask again.',
      },
      invalid: { title: 'Link not valid', message: 'This password reset link is not valid. Ask for a new one.' },
    },
    askAgain: 'Ask for a new link',
    mfaTitle: 'Two-step verification',
    mfaLead: 'Your password is changed. Enter the code from your authenticator app, or a backup code, to sign in.',
    mfaWrong: 'That code is not right, or it was already used. Try the next one.',
    mfaExpired: 'That took too long. Sign in with your new password.',
    codeLabel: 'Authentication code',
    verify: 'Verify',
  },
  signUp: {
    title: 'Create an account',
    lead: 'We will send a link to your e-mail address to verify it.',
    emailLabel: 'E-mail address',
    passwordLabel: 'Password',
    passwordHint: 'At least 8 characters, not your e-mail address, not a common password.',
    nameLabel: 'Your name (optional)',
    submit: 'Create the account',
    fields: {
      email: 'E-mail address',
      password: 'Password',
      displayName: 'Your name',
      username: 'User name',
    } as Record<string, string>,
    taken: 'An account with this e-mail address already exists. Sign in, or reset its password.',
    createdTitle: 'Account created',
    created: (email: string) =>
      `You are signed in as ${email}. We sent a link to this address: open it to verify the address.`,
    verifyFirst: (email: string) => `We sent a link to ${email}. Open it to verify your address, then sign in.`,
    closedTitle: 'Sign-up is closed',
    closed: 'Accounts are created by an administrator here.',
  },
  signIn: {
    createAccount: 'Create an account',
    forgotPassword: 'Forgot your password?',
    notVerified: 'Verify your e-mail address first: we sent you a new link. Open it, then sign in.',
    notVerifiedRecently: 'Verify your e-mail address first: open the link we sent you, then sign in.',
  },
  failure: { title: 'Something went wrong', message: 'Try again later.' },
  formExpired: { title: 'Form expired', message: 'This form could not be verified. Reload the page and try again.' },
} as const;

/** The reasons completePasswordReset gives for a refused link (INVALID_TOKEN details.reason). */
export type RefusedResetReason = keyof typeof selfServiceTexts.reset.refused;

export function isRefusedResetReason(value: unknown): value is RefusedResetReason {
  return typeof value === 'string' && Object.hasOwn(selfServiceTexts.reset.refused, value);
}
