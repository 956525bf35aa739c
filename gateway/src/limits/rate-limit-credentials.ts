import { createHash } from 'node:crypto';
import { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { valueFromASTUntyped, type FieldNode } from 'graphql';
import type { RefreshTokenTags } from '../../../lib/auth/refresh-token-tag.js';
import { restJsonBody, tokenFormBody } from '../http/request-bodies.js';
import { NO_STORE_HEADERS } from '../http/no-store.js';

/**
 * What an auth request proves beyond its address, so that its auth budget can be the most specific
 * one (README "Rate limits"):
 * - `grant`: a token request or refresh. A confidential client's valid client_id + client_secret
 *   charge the application; otherwise a refresh token minted by identity (its tag checks out, no
 *   database read) charges its session. Anything else (a wrong secret, a made-up token) stays on the
 *   address, so guessing costs what it always did.
 * - `approval`: seed 004's `POST /api/v1/auth/authorize` with a valid bearer token is the member
 *   approving a request, not a credential check: the member's general budget.
 */
export type PresentedCredential =
  | { readonly kind: 'approval' }
  | {
      readonly kind: 'grant';
      readonly refreshToken?: string | undefined;
      readonly clientId?: string | undefined;
      readonly clientSecret?: string | undefined;
    };

export type Grant = Extract<PresentedCredential, { kind: 'grant' }>;

/** The budget owner a grant proves (`app:<client_id>`, `session:<id>`), or undefined for the address. */
export type CredentialOwner = (grant: Grant) => Promise<string | undefined>;

/** Whether client_id + client_secret are a confidential application's. */
export type ClientVerifier = (clientId: string, clientSecret: string) => Promise<boolean>;

export function createCredentialOwner(deps: {
  readonly refreshTokens: RefreshTokenTags;
  readonly verifyClient: ClientVerifier;
}): CredentialOwner {
  return async (grant) => {
    // A secret that fails verification keeps the request on the address, refresh token or not.
    if (grant.clientSecret !== undefined) {
      const valid = grant.clientId !== undefined && (await deps.verifyClient(grant.clientId, grant.clientSecret));
      return valid ? `app:${grant.clientId}` : undefined;
    }
    const session = grant.refreshToken ? deps.refreshTokens.sessionOf(grant.refreshToken) : undefined;
    return session ? `session:${session}` : undefined;
  };
}

/**
 * Asks identity (`POST /oauth-clients/verify`, its private port). A positive answer is reused for
 * `cacheMs`, and concurrent requests with the same credentials share one question, so one backend
 * exchanging codes for all its users costs identity one check per few seconds. Refusals and failures
 * are never cached and leave the request on its address.
 */
export function createClientVerifier(options: { readonly verifyUrl: string; readonly cacheMs?: number }) {
  const cacheMs = options.cacheMs ?? 5_000;
  const verified = new Map<string, number>();
  const asking = new Map<string, Promise<boolean>>();

  async function ask(clientId: string, clientSecret: string): Promise<boolean> {
    try {
      const answer = await fetch(options.verifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId, clientSecret }),
        signal: AbortSignal.timeout(5_000),
      });
      return answer.ok && ((await answer.json()) as { valid?: unknown }).valid === true;
    } catch {
      return false;
    }
  }

  const verify: ClientVerifier = async (clientId, clientSecret) => {
    const key = `${clientId}\u0000${createHash('sha256').update(clientSecret).digest('base64url')}`;
    const at = verified.get(key);
    if (at !== undefined && Date.now() - at < cacheMs) return true;
    let answer = asking.get(key);
    if (!answer) {
      answer = ask(clientId, clientSecret).finally(() => asking.delete(key));
      asking.set(key, answer);
    }
    const valid = await answer;
    if (valid) {
      if (verified.size > 10_000) verified.clear();
      verified.set(key, Date.now());
    }
    return valid;
  };
  return verify;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

type GrantReader = (fields: Record<string, unknown>) => Grant;
/** A refresh presents its token only. */
const refreshGrant =
  (name: string): GrantReader =>
  (fields) => ({ kind: 'grant', refreshToken: text(fields[name]) });
/** A token request: the client's credentials, and a refresh token for grant_type=refresh_token. */
const tokenGrant =
  (names: { refreshToken: string; clientId: string; clientSecret: string }): GrantReader =>
  (fields) => ({
    kind: 'grant',
    refreshToken: text(fields[names.refreshToken]),
    clientId: text(fields[names.clientId]),
    clientSecret: text(fields[names.clientSecret]),
  });
/** A client presenting its credentials and no refresh token. */
const clientCredentialsOf: GrantReader = (fields) => ({
  kind: 'grant',
  clientId: text(fields['clientId']),
  clientSecret: text(fields['clientSecret']),
});
const snakeTokenGrant = tokenGrant({
  refreshToken: 'refresh_token',
  clientId: 'client_id',
  clientSecret: 'client_secret',
});

/** GraphQL root fields whose arguments carry a grant. */
const grantArguments: Readonly<Record<string, GrantReader>> = {
  'Mutation.refreshToken': refreshGrant('refreshToken'),
  'Mutation.renewAccessToken': refreshGrant('refreshToken'),
  // Revocation and introspection: the client's credentials only (the token they name is no grant).
  'Mutation.revokeApplicationToken': (args) => clientCredentialsOf(asRecord(args['input'])),
  'Query.introspectApplicationToken': (args) => clientCredentialsOf(asRecord(args['input'])),
  'Mutation.requestApplicationToken': (args) =>
    tokenGrant({ refreshToken: 'refreshToken', clientId: 'clientId', clientSecret: 'clientSecret' })(
      asRecord(args['input']),
    ),
};

/** The grant a GraphQL root field presents (literal arguments or variables), if it is such a field. */
export function grantOfField(coordinate: string, field: FieldNode, variables: unknown): Grant | undefined {
  const read = grantArguments[coordinate];
  if (!read) return undefined;
  const values = asRecord(variables);
  const args = Object.fromEntries(
    (field.arguments ?? []).map((argument) => [argument.name.value, valueFromASTUntyped(argument.value, values)]),
  );
  return read(args);
}

/** RFC 6749 §2.3.1 Basic client credentials; anything malformed proves nothing. */
function basicCredentials(authorization: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const encoded = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  const unescape = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
  try {
    return { clientId: unescape(decoded.slice(0, colon)), clientSecret: unescape(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** How one path presents its credential, and how it answers a body it cannot read. */
export interface CredentialReader {
  /** Reads the credential; for a body, parses it as the route would (the route then finds it parsed). */
  read(req: Request, res: Response): Promise<{ credential?: PresentedCredential; unreadable?: unknown }>;
  /** Answers a body that could not be read, exactly as the route would have (after it was charged). */
  refuseUnreadable(req: Request, res: Response, next: NextFunction, error: unknown): void;
}

function parseWith(parser: RequestHandler, req: Request, res: Response): Promise<unknown> {
  return new Promise((resolve) => {
    parser(req, res, (error?: unknown) => resolve(error));
  });
}

/** The REST layer's JSON bodies, read with its own parser; its error handler answers failures. */
const jsonGrant = (grantOf: GrantReader): CredentialReader => ({
  async read(req, res) {
    if (!req.is('application/json')) return {};
    const unreadable = await parseWith(restJsonBody, req, res);
    return unreadable ? { unreadable } : { credential: grantOf(asRecord(req.body)) };
  },
  refuseUnreadable: (_req, _res, next, error) => next(error),
});

/** The token endpoint's form, read with its own parser, and its RFC 6749 refusal of it. */
const formGrant: CredentialReader = {
  async read(req, res) {
    const basic = basicCredentials(req.headers.authorization);
    const unreadable = await parseWith(tokenFormBody, req, res);
    if (unreadable) return { unreadable };
    return { credential: { ...snakeTokenGrant(asRecord(req.body)), ...basic } };
  },
  refuseUnreadable(_req, res) {
    res
      .set(NO_STORE_HEADERS)
      .status(400)
      .json({ error: 'invalid_request', error_description: 'The body could not be read' });
  },
};

const approval: CredentialReader = {
  read: async () => ({ credential: { kind: 'approval' } }),
  refuseUnreadable: (_req, _res, next, error) => next(error),
};

/** POST routes of the auth class whose budget a credential decides, by their declared path. */
const readers: Readonly<Record<string, CredentialReader>> = {
  '/api/v1/auth/refresh': jsonGrant(refreshGrant('refresh_token')),
  '/api/v1/auth/token': jsonGrant(snakeTokenGrant),
  '/oauth/token': formGrant,
  // The client's credentials decide these budgets too (the token they present is no grant).
  '/oauth/revoke': formGrant,
  '/oauth/introspect': formGrant,
  '/api/v1/auth/authorize': approval,
};

/** The reader of the route a request matched (`routePath` as declared, whatever the request's spelling). */
export function credentialReaderFor(method: string, routePath: string): CredentialReader | undefined {
  return method === 'POST' ? readers[routePath] : undefined;
}
