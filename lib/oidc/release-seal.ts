import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createSecretBox, type SecretBox } from '../crypto/secret-box.js';
import { isProfileClaim } from './claims.js';
import { DEFAULT_ID_TOKEN_SIGNING_ALGORITHM, ID_TOKEN_SIGNING_ALGORITHMS } from './id-token-algorithms.js';
import type { SecretKeys } from '../crypto/secret-key.js';

/**
 * How an ID token or a userinfo answer gets the claims of two subgraphs without either trusting the
 * caller. Identity knows the grant (who, which application, which claims the consent covers) and
 * signs; member knows the profile and the sharing flags. Identity seals a ticket (its entity
 * `OpenIdRelease`'s key, @inaccessible: the API never shows it); member opens it, applies the flags and
 * seals its answer (`memberClaims`, @inaccessible); identity `@requires` that answer and opens it. Both
 * seals are AES-256-GCM under keys derived from SECRET_KEY, which only our processes hold, so neither
 * a client of the gateway nor a caller of a subgraph's port can forge a ticket or inject a claim, and
 * both expire within the time a query plan takes.
 */
export const RELEASE_SEAL_TTL_SECONDS = 120;

const claimList = z.array(z.string()).transform((names) => names.filter(isProfileClaim));

const ticketSchema = z.object({
  id: z.string(),
  userId: z.string(),
  clientId: z.string().nullable(),
  claims: claimList,
  expiresAt: z.number(),
  /** Present for an ID token: what the token endpoint decided, signed as is. */
  idToken: z
    .object({
      sessionId: z.string(),
      authTime: z.number(),
      amr: z.array(z.string()),
      nonce: z.string().nullable(),
      accessTokenHash: z.string(),
      // A ticket sealed by a replica of the release before this field signs as that one did.
      algorithm: z.enum(ID_TOKEN_SIGNING_ALGORITHMS).default(DEFAULT_ID_TOKEN_SIGNING_ALGORITHM),
    })
    .nullable(),
});

const claimValue = z.union([z.string(), z.number(), z.boolean()]);
const memberAnswerSchema = z.object({
  ticketId: z.string(),
  userId: z.string(),
  /** Of the ticket's claims, those the member's sharing flags let out (identity's included). */
  allowed: claimList,
  /** Member's values of the allowed claims it owns; none is null. */
  values: z.record(z.string(), claimValue),
  /** When the member profile last changed (epoch seconds), for `updated_at`. */
  profileUpdatedAt: z.number().nullable(),
  expiresAt: z.number(),
});

export type ReleaseTicket = z.output<typeof ticketSchema>;
export type MemberAnswer = z.output<typeof memberAnswerSchema>;

export interface ReleaseSeals {
  /** Identity: a ticket for these facts. */
  sealTicket(ticket: Omit<ReleaseTicket, 'id' | 'expiresAt'>): string;
  /** Member and identity: the ticket's facts if identity sealed it and it is fresh. */
  openTicket(sealed: unknown): ReleaseTicket | undefined;
  /** Member: its answer to one ticket. */
  sealAnswer(answer: Omit<MemberAnswer, 'expiresAt'>): string;
  /** Identity: member's answer, if member sealed it, fresh, for this very ticket and user. */
  openAnswer(sealed: unknown, ticket: ReleaseTicket): MemberAnswer | undefined;
}

function openWith<T>(box: SecretBox, schema: z.ZodType<T>, sealed: unknown, now: number): T | undefined {
  if (typeof sealed !== 'string' || sealed.length > 16_384) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(box.open(sealed)));
    if (!parsed.success) return undefined;
    const { expiresAt } = parsed.data as { expiresAt: number };
    return expiresAt * 1000 > now ? parsed.data : undefined;
  } catch {
    // Forged, truncated or sealed under another SECRET_KEY.
    return undefined;
  }
}

export function createReleaseSeals(secretKeys: SecretKeys, now: () => number = Date.now): ReleaseSeals {
  const tickets = createSecretBox(secretKeys, 'openid-release-ticket');
  const answers = createSecretBox(secretKeys, 'openid-release-member-claims');
  const expiry = () => Math.floor(now() / 1000) + RELEASE_SEAL_TTL_SECONDS;
  return {
    sealTicket(ticket) {
      return tickets.seal(JSON.stringify({ ...ticket, id: randomUUID(), expiresAt: expiry() }));
    },
    openTicket(sealed) {
      return openWith(tickets, ticketSchema, sealed, now());
    },
    sealAnswer(answer) {
      return answers.seal(JSON.stringify({ ...answer, expiresAt: expiry() }));
    },
    openAnswer(sealed, ticket) {
      const answer = openWith(answers, memberAnswerSchema, sealed, now());
      if (!answer || answer.ticketId !== ticket.id || answer.userId !== ticket.userId) return undefined;
      return answer;
    },
  };
}
