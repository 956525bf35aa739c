/**
 * The English catalog: every text a member reads on a hosted page, in a mail or in a text message.
 * Keys are `namespace.name`; `{name}` is filled in by `translate`. ko.ts and zh-Hant.ts must have
 * exactly these keys (the compiler and catalog.test.ts both refuse a missing or extra one).
 */
export const en = {
  'page.closeAndReturn': 'You can close this page and go back to the application.',
  'page.emailLabel': 'E-mail address',
  'page.passwordLabel': 'Password',
  'page.codeLabel': 'Authentication code',
  'page.verify': 'Verify',
  'page.backToSignIn': 'Back to sign in',

  'signIn.title': 'Sign in',
  'signIn.pageTitle': 'Sign in to {application}',
  'signIn.lead': 'to continue to {application}',
  'signIn.submit': 'Sign in',
  'signIn.forgotPassword': 'Forgot your password?',
  'signIn.createAccount': 'Create an account',
  'signIn.notVerified': 'Verify your e-mail address first: we sent you a new link. Open it, then sign in.',
  'signIn.notVerifiedRecently': 'Verify your e-mail address first: open the link we sent you, then sign in.',
  'signIn.invalidCredentials': 'The e-mail address or password is not right.',
  'signIn.rateLimited': 'Too many attempts. Wait a little and try again.',
  'signIn.forbidden': 'This account cannot sign in.',
  'signIn.missingFields': 'Fill in every field.',
  'signIn.failed': 'Something went wrong on our side. Try again later.',
  'signIn.tooSlow': 'That took too long. Sign in again.',
  'signIn.sessionEnded': 'Your session ended. Sign in again.',

  'mfa.title': 'Two-step verification',
  'mfa.lead': 'Enter the 6-digit code from your authenticator app, or one of your 8-digit backup codes.',
  'mfa.wrongCode': 'That code is not right, or it was already used. Try the next one.',

  'consent.title': 'Allow {application}?',
  'consent.defaultDescription': '{application} asks for access to your account.',
  'consent.scopesHeading': 'If you allow it, {application} may:',
  'consent.allow': 'Allow',
  'consent.deny': 'Deny',
  'consent.signedInAs': 'Signed in as {email}.',
  'consent.switchAccount': 'Use another account',

  'consent.sharedHeading': '{application} will learn about you:',
  'claim.sub': 'An identifier for your account',
  'claim.name': 'Your name',
  'claim.preferred_username': 'Your username',
  'claim.picture': 'Your profile picture',
  'claim.gender': 'Your gender',
  'claim.birthdate': 'Your date of birth',
  'claim.locale': 'Your language',
  'claim.updated_at': 'When you last changed your profile',
  'claim.email': 'Your e-mail address',
  'claim.email_verified': 'Whether your e-mail address is verified',
  'claim.phone_number': 'Your phone number',
  'claim.phone_number_verified': 'Whether your phone number is verified',
  'claim.yes': 'yes',
  'claim.no': 'no',
  'scope.openid': 'Sign you in: learn your account identifier',
  'scope.profile': 'Learn what your sharing settings allow of your profile',
  'scope.email': 'Learn your e-mail address, if your sharing settings allow it',
  'scope.phone': 'Learn your phone number, if your sharing settings allow it',
  'logout.confirm.title': 'Sign out?',
  'logout.confirm.message': 'You will be signed out of membergraph on this browser.',
  'logout.confirm.submit': 'Sign out',
  'logout.done.title': 'Signed out',
  'logout.done.message': 'You have been signed out. You can close this page.',
  'error.invalidLogout.title': 'Invalid logout request',
  'error.invalidLogout.message':
    'The application asked to sign you out in a way this service cannot accept. You have not been signed out by it.',
  'error.logoutFormExpired.message': 'This form could not be verified. Sign out again.',

  'scope.read': 'See your account: e-mail address, name, user name and profile',
  'scope.write': 'Change your profile on your behalf',

  'error.incompleteRequest.title': 'Incomplete request',
  'error.incompleteRequest.message': 'The application did not say who it is or where to return.',
  'error.unknownApplication.title': 'Unknown application',
  'error.unknownApplication.message': 'This application is not registered here.',
  'error.unregisteredRedirect.title': 'Unregistered return address',
  'error.unregisteredRedirect.message': 'The application asked to return to an address it has not registered.',
  'error.invalidRequest.title': 'Invalid request',
  'error.unknownAction.title': 'Unknown action',
  'error.startAgain': 'Go back to the application and start again.',
  'error.formExpired.title': 'Form expired',
  'error.formExpired.message': 'This form could not be verified. Go back to the application and start again.',
  'error.formExpired.reload': 'This form could not be verified. Reload the page and try again.',
  'error.failure.title': 'Something went wrong',
  'error.failure.message': 'Try again later.',

  'verifyEmail.verified.title': 'E-mail address verified',
  'verifyEmail.verified.message': '{email} is verified. Thank you.',
  'verifyEmail.changed.title': 'E-mail address changed',
  'verifyEmail.changed.message': 'Your account now uses {email}. We told your previous address.',
  'verifyEmail.used.title': 'Link already used',
  'verifyEmail.used.message':
    'This verification link was used before. If your address is verified, there is nothing to do.',
  'verifyEmail.expired.title': 'Link expired',
  'verifyEmail.expired.message': 'This verification link has expired. Sign in and ask for a new one.',
  'verifyEmail.superseded.title': 'Link replaced',
  'verifyEmail.superseded.message':
    'A newer verification message was sent, or the address changed since. Use the newest link.',
  'verifyEmail.invalid.title': 'Link not valid',
  'verifyEmail.invalid.message': 'This verification link is not valid. Check that it is complete.',
  'verifyEmail.taken.title': 'Address taken',
  'verifyEmail.taken.message': 'Another account uses this address now, so it cannot replace yours.',

  'forgot.title': 'Forgot your password?',
  'forgot.lead': 'Enter the e-mail address of your account and we will send you a link to choose a new password.',
  'forgot.submit': 'Send the link',
  'forgot.sentTitle': 'Check your e-mail',
  'forgot.sent':
    'If an account uses this address, a link to reset its password is on its way. It works once, for {minutes} minutes.',
  'forgot.missingEmail': 'Enter your e-mail address.',

  'reset.title': 'Choose a new password',
  'reset.lead':
    'At least 8 characters, not your e-mail address, not a common password. Every other session will be signed out.',
  'reset.passwordLabel': 'New password',
  'reset.submit': 'Set the password',
  'reset.doneTitle': 'Password changed',
  'reset.done':
    'You are signed in as {email}. Every other session of your account was signed out. You can close this page.',
  'reset.passwordRefused':
    'This password cannot be used: it needs at least 8 characters, and must not be your e-mail address or a common password.',
  'reset.used.title': 'Link already used',
  'reset.used.message': 'This password reset link was used before. Ask for a new one.',
  'reset.expired.title': 'Link expired',
  'reset.expired.message': 'This password reset link has expired. Ask for a new one.',
  'reset.superseded.title': 'Link replaced',
  'reset.superseded.message': 'A newer password reset link was sent. Use the newest one, or ask again.',
  'reset.invalid.title': 'Link not valid',
  'reset.invalid.message': 'This password reset link is not valid. Ask for a new one.',
  'reset.askAgain': 'Ask for a new link',
  'reset.mfaLead':
    'Your password is changed. Enter the code from your authenticator app, or a backup code, to sign in.',
  'reset.mfaExpired': 'That took too long. Sign in with your new password.',

  'password.tooShort': 'Password must be at least 8 characters.',
  'password.tooLong': 'Password must be at most 256 characters.',
  'password.isEmail': 'Password must not be your e-mail address.',
  'password.tooCommon': 'Password is too common: choose one that is not on lists of leaked passwords.',

  'signUp.title': 'Create an account',
  'signUp.lead': 'We will send a link to your e-mail address to verify it.',
  'signUp.passwordHint': 'At least 8 characters, not your e-mail address, not a common password.',
  'signUp.nameLabel': 'Your name (optional)',
  'signUp.submit': 'Create the account',
  'signUp.invalidEmail': 'Enter a complete e-mail address, such as name@example.com.',
  'signUp.invalidPassword':
    'This password cannot be used: it needs at least 8 characters, and must not be your e-mail address or a common password.',
  'signUp.invalidName': 'This name is too long or has characters that cannot be used.',
  'signUp.invalidForm': 'Check the fields and try again.',
  'signUp.taken': 'An account with this e-mail address already exists. Sign in, or reset its password.',
  'signUp.createdTitle': 'Account created',
  'signUp.created': 'You are signed in as {email}. We sent a link to this address: open it to verify the address.',
  'signUp.verifyFirst': 'We sent a link to {email}. Open it to verify your address, then sign in.',
  'signUp.closedTitle': 'Sign-up is closed',
  'signUp.closed': 'Accounts are created by an administrator here.',

  'mail.verifyAddress.subject': 'Verify your e-mail address: {code}',
  'mail.verifyAddress.body':
    'Confirm that this is your e-mail address by opening this link:\n\n{link}\n\n' +
    'or enter this code where you were asked for it: {code}\n\n' +
    'The link and the code work once, for {minutes} minutes. If you did not create an account, ignore this message.\n',
  'mail.verifyNewAddress.subject': 'Confirm your new e-mail address: {code}',
  'mail.verifyNewAddress.body':
    'You asked to use this address for your account. Confirm it by opening this link:\n\n{link}\n\n' +
    'or enter this code where you were asked for it: {code}\n\n' +
    'Until you do, your account keeps its current address. The link and the code work once, for {minutes} minutes. ' +
    'If you did not ask for this, ignore this message.\n',
  'mail.addressChanged.subject': 'Your e-mail address was changed',
  'mail.addressChanged.body':
    'The e-mail address of your account was changed to {address}. Mail about your account now goes there, ' +
    'and this address no longer signs in.\n\n' +
    'If you did not make this change, contact your administrator at once.\n',
  'mail.passwordReset.subject': 'Reset your password',
  'mail.passwordReset.body':
    'Someone (we hope you) asked to reset the password of the account with this address. ' +
    'Choose a new password here:\n\n{link}\n\n' +
    'The link works once, for {minutes} minutes; asking again makes this one stop working. ' +
    'If you did not ask, ignore this message: your password stays as it is.\n',
  'mail.businessEmail.subject': 'Your verification code: {code}',
  'mail.businessEmail.body':
    'Your membergraph verification code is {code}.\n\n' +
    'It expires in {minutes} minutes. If you did not ask for it, ignore this message.\n',
  'sms.businessPhone.subject': 'Verification code',
  'sms.businessPhone.body': '{code} is your membergraph verification code. It expires in {minutes} minutes.',
} as const;

export type MessageKey = keyof typeof en;
