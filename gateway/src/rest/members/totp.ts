import { z } from 'zod';
import {
  MemberTotpDisableDocument,
  MemberTotpEnrollConfirmDocument,
  MemberTotpEnrollStartDocument,
  MemberTotpRegenerateBackupCodesDocument,
  MemberTotpStatusDocument,
  MemberTotpVerifyDocument,
} from '../../generated/graphql.js';
import { declareRoute, type RouteDeclaration } from '../route.js';

const tags = ['member: totp'];

/** The refusals every seed 003 TOTP route documents. */
const common = {
  401: '29501000: no Bearer token (or, in development only, no X-Tenant-ID + X-UID), or it is invalid',
  500: '29201000 database error; 29601000 internal error',
  501: '29605000: not configured',
} as const;
const notEnrolled = '29309000: no authenticator is enrolled';
const missingOrMalformed = '29104000: code is required; 10101000: code is malformed';

/**
 * Separators people type ("123 456", "1234-5678") are dropped; nothing left counts as missing, so
 * that it answers 29104000 (the router reports absent fields as required) rather than 10101000.
 */
function codeField(pattern: RegExp, description: string) {
  return z
    .preprocess(
      (value) => (typeof value === 'string' ? value.replace(/[\s-]/g, '') || undefined : value),
      z.string().regex(pattern),
    )
    .describe(description);
}

const backupCodesResponse = z.object({
  backup_codes: z.array(z.string()).describe('Ten single-use 8-digit codes, shown this once only'),
});

/** seed 003 `/api/v1/members/me/totp*`: the signed-in member's authenticator, run by identity. */
export const totpRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'get',
    path: '/api/v1/members/me/totp',
    auth: 'member',
    rateLimit: 'general',
    summary: "The member's authenticator (TOTP) status",
    tags,
    response: z.object({
      enrolled: z.boolean(),
      enrolled_at: z.number().int().optional().describe('Unix milliseconds; absent when not enrolled'),
      backup_codes_remaining: z.number().int(),
      digits: z.number().int(),
      period_seconds: z.number().int(),
    }),
    errors: common,
    async handle({ graphql }) {
      const { myTotp } = await graphql(MemberTotpStatusDocument);
      return {
        body: {
          enrolled: myTotp.enrolled,
          ...(myTotp.enrolledAt ? { enrolled_at: Date.parse(myTotp.enrolledAt) } : {}),
          backup_codes_remaining: myTotp.backupCodesRemaining,
          digits: myTotp.digits,
          period_seconds: myTotp.periodSeconds,
        },
      };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/members/me/totp/enroll-start',
    auth: 'member',
    rateLimit: 'general',
    summary: 'Starts enrolling an authenticator; a pending one is replaced. Confirm within expires_in seconds',
    tags,
    response: z.object({
      otpauth_url: z.string().describe('otpauth:// URL for a QR code; holds the secret'),
      issuer: z.string(),
      account: z.string(),
      digits: z.number().int(),
      period_seconds: z.number().int(),
      expires_in: z.number().int(),
    }),
    noStore: true,
    errors: {
      ...common,
      404: '29301000: the member does not exist',
      409: '29303000: an authenticator is already enrolled',
    },
    async handle({ graphql }) {
      const { startTotpEnrollment: e } = await graphql(MemberTotpEnrollStartDocument);
      return {
        body: {
          otpauth_url: e.otpauthUrl,
          issuer: e.issuer,
          account: e.account,
          digits: e.digits,
          period_seconds: e.periodSeconds,
          expires_in: e.expiresIn,
        },
      };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/members/me/totp/enroll-confirm',
    auth: 'member',
    rateLimit: 'general',
    summary: 'Confirms the pending authenticator with its current code; answers the backup codes',
    tags,
    body: z.object({ code: codeField(/^\d{6}$/, 'The 6-digit code the authenticator shows') }),
    response: backupCodesResponse,
    noStore: true,
    errors: {
      ...common,
      400: missingOrMalformed,
      403: '29505000: the code is wrong',
      404: '29301000: no enrollment is pending (never started, or expired)',
      409: '29303000: an authenticator is already enrolled',
    },
    async handle({ body, graphql }) {
      const { confirmTotpEnrollment } = await graphql(MemberTotpEnrollConfirmDocument, { code: body.code });
      return { body: { backup_codes: confirmTotpEnrollment.backupCodes } };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/members/me/totp/verify',
    auth: 'member',
    rateLimit: 'auth',
    summary:
      'Checks an authenticator code (6 digits) or a backup code (8 digits), each usable once; ' +
      'allows DELETE /me/totp in this session for 10 minutes',
    tags,
    body: z.object({ code: codeField(/^(\d{6}|\d{8})$/, 'A 6-digit authenticator code or an 8-digit backup code') }),
    response: z.null(),
    errors: {
      ...common,
      400: missingOrMalformed,
      403: '29505000: the code is wrong or already used (it counts towards the sign-in throttle)',
      409: notEnrolled,
      // Not in the seed's list: wrong codes count like wrong passwords, or a stolen token could guess on.
      429: '29604000: too many failed sign-ins or codes; the account is throttled (`Retry-After`)',
    },
    async handle({ body, graphql }) {
      await graphql(MemberTotpVerifyDocument, { code: body.code });
      return { body: null };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/members/me/totp/backup-codes',
    auth: 'member',
    rateLimit: 'general',
    summary: 'Issues ten new backup codes; the previous ones stop working',
    tags,
    response: backupCodesResponse,
    noStore: true,
    errors: { ...common, 404: '29301000: the member does not exist', 409: notEnrolled },
    async handle({ graphql }) {
      const { regenerateBackupCodes } = await graphql(MemberTotpRegenerateBackupCodesDocument);
      return { body: { backup_codes: regenerateBackupCodes.backupCodes } };
    },
  }),
  declareRoute({
    method: 'delete',
    path: '/api/v1/members/me/totp',
    auth: 'member',
    rateLimit: 'general',
    summary:
      'Removes the authenticator and its backup codes. Needs a successful POST /me/totp/verify in the same ' +
      'session within the last 10 minutes',
    tags,
    response: z.null(),
    errors: {
      ...common,
      // 403 and 409 are not in the seed's list for this path: a stolen token alone must not remove the
      // second factor, and "not enrolled" answers as verify and backup-codes do.
      403: '29505000: no successful verify in this session within the last 10 minutes',
      404: '29301000: the member does not exist',
      409: notEnrolled,
    },
    async handle({ graphql }) {
      await graphql(MemberTotpDisableDocument);
      return { body: null };
    },
  }),
];
