import { z } from 'zod';
import {
  MemberConfirmEmailVerificationDocument,
  MemberConfirmPhoneVerificationDocument,
  MemberStartEmailVerificationDocument,
  MemberStartPhoneVerificationDocument,
} from '../../generated/graphql.js';
import { declareRoute, type RouteDeclaration } from '../route.js';
import { memberRouteErrors } from './shapes.js';

const tags = ['member: verification'];

const startBody = z.object({ target: z.string().max(320) });
const confirmBody = z.object({ challenge_id: z.string().max(64), code: z.string().max(16) });
const startedData = z.object({
  challenge_id: z.string().describe('Pass to the matching confirm endpoint'),
  expires_in: z.number().int().describe('Seconds until the code expires'),
});

const startErrors = {
  ...memberRouteErrors,
  400: '10101000 target is malformed; 29104000 target is missing',
  429: '29604000 a code was sent for this purpose within the cooldown (`Retry-After`); 29310000 daily limit per member or per address reached',
  500: '29201000 database error; 29601000 internal error, or the e-mail/SMS provider refused the message (nothing is sent, the previous code stays valid)',
  501: '29605000: no transport for this channel (SMTP_URL / SMS_WEBHOOK_URL) outside development',
};
const confirmErrors = {
  ...memberRouteErrors,
  400: '10101000 code is not 6 digits; 29104000 challenge_id or code is missing',
  403: '29505000: wrong, used or expired code, or the challenge belongs to another member, tenant or purpose',
  404: '29301000: no such challenge',
  409: '29309000: the challenge is locked after too many wrong codes',
};

/** seed 003 `/api/v1/members/me/verifications/{email,phone}/{start,confirm}`. */
export const verificationRoutes: readonly RouteDeclaration[] = [
  declareRoute({
    method: 'post',
    path: '/api/v1/members/me/verifications/email/start',
    auth: 'member',
    rateLimit: 'general',
    summary: 'E-mails a 6-digit code to a business e-mail address',
    tags,
    body: startBody,
    response: startedData,
    errors: startErrors,
    async handle({ body, graphql }) {
      const { startBusinessEmailVerification: started } = await graphql(MemberStartEmailVerificationDocument, {
        target: body.target,
      });
      return { body: { challenge_id: started.challengeId, expires_in: started.expiresIn } };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/members/me/verifications/email/confirm',
    auth: 'member',
    rateLimit: 'general',
    summary: 'Checks the code; the address becomes the verified business e-mail',
    tags,
    body: confirmBody,
    response: z.null(),
    errors: confirmErrors,
    async handle({ body, graphql }) {
      await graphql(MemberConfirmEmailVerificationDocument, { challengeId: body.challenge_id, code: body.code });
      return { body: null };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/members/me/verifications/phone/start',
    auth: 'member',
    rateLimit: 'general',
    summary: 'Texts a 6-digit code to a business phone number (E.164)',
    tags,
    body: startBody,
    response: startedData,
    errors: startErrors,
    async handle({ body, graphql }) {
      const { startBusinessPhoneVerification: started } = await graphql(MemberStartPhoneVerificationDocument, {
        target: body.target,
      });
      return { body: { challenge_id: started.challengeId, expires_in: started.expiresIn } };
    },
  }),
  declareRoute({
    method: 'post',
    path: '/api/v1/members/me/verifications/phone/confirm',
    auth: 'member',
    rateLimit: 'general',
    summary: 'Checks the code; the number becomes the verified business phone',
    tags,
    body: confirmBody,
    response: z.null(),
    errors: confirmErrors,
    async handle({ body, graphql }) {
      await graphql(MemberConfirmPhoneVerificationDocument, { challengeId: body.challenge_id, code: body.code });
      return { body: null };
    },
  }),
];
