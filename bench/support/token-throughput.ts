import { createHash, randomBytes } from 'node:crypto';
import type { Stack } from '../../gateway/src/stack.js';
import { insertAccountWithToken } from '../../test/support/account-fixture.js';
import { summarise, timedEach, type LatencySample } from './harness.js';

/*
 * The token endpoint cannot be replayed by autocannon: a code is redeemed once and a refresh token
 * rotates. So codes are minted in rounds (each lives 60 s) and every exchange is timed on its own;
 * the refresh tokens they yield are then each refreshed once, the other grant type. Any answer but
 * 200 stops the run: it is a broken setup, not a measurement.
 */
const REDIRECT_URI = 'https://bench.example.com/callback';
/** Codes minted per round: exchanged well inside their 60 s. */
const ROUND = 400;

interface Client {
  readonly clientId: string;
  readonly clientSecret: string;
}

interface PendingCode {
  readonly code: string;
  readonly verifier: string;
}

async function json(response: Response, what: string): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

async function registerClient(stack: Stack): Promise<Client> {
  const admin = await insertAccountWithToken(
    { database: stack.subgraphs.identity.database, signingKeys: stack.identity.signingKeys },
    { role: 'SYSTEM_ADMIN' },
  );
  const created = await json(
    await fetch(`${stack.gatewayUrl}/api/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ app_name: 'bench', redirect_uris: [REDIRECT_URI] }),
    }),
    'registering the application',
  );
  return { clientId: String(created['client_id']), clientSecret: String(created['client_secret']) };
}

/** One code, approved through seed 004's POST endpoint with PKCE, as a real client would get it. */
async function mintCode(stack: Stack, client: Client, userToken: string): Promise<PendingCode> {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'read',
    state: 'bench',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const answer = await fetch(`${stack.gatewayUrl}/api/v1/auth/authorize?${query.toString()}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { authorization: `Bearer ${userToken}` },
  });
  const code = new URL(answer.headers.get('location') ?? 'about:blank').searchParams.get('code');
  if (answer.status !== 302 || !code) throw new Error(`authorize answered ${answer.status}`);
  return { code, verifier };
}

/** `POST /oauth/token` with client_secret_basic; answers the new refresh token. */
async function tokenRequest(stack: Stack, client: Client, params: Record<string, string>): Promise<string> {
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  const body = await json(
    await fetch(`${stack.gatewayUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: new URLSearchParams(params).toString(),
    }),
    `grant_type=${params['grant_type']}`,
  );
  return String(body['refresh_token']);
}

/**
 * Exchanges codes for `seconds` of measured time (after `warmupSeconds` discarded), `concurrency` in
 * flight, then refreshes each refresh token obtained once.
 */
export async function tokenThroughput(
  stack: Stack,
  options: { seconds: number; warmupSeconds: number; concurrency: number; users?: number },
): Promise<{ code: LatencySample; refresh: LatencySample }> {
  const client = await registerClient(stack);
  const users = await Promise.all(
    Array.from({ length: options.users ?? 20 }, () =>
      insertAccountWithToken({ database: stack.subgraphs.identity.database, signingKeys: stack.identity.signingKeys }),
    ),
  );
  const exchangeRound = async () => {
    const minted = await timedEach(
      Array.from({ length: ROUND }, (_, i) => users[i % users.length]!.token),
      options.concurrency,
      (token) => mintCode(stack, client, token),
    );
    return timedEach(minted.results, options.concurrency, ({ code, verifier }) =>
      tokenRequest(stack, client, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }),
    );
  };

  let warmed = 0;
  while (warmed < options.warmupSeconds) warmed += (await exchangeRound()).seconds;
  const durations: number[] = [];
  const refreshTokens: string[] = [];
  let measured = 0;
  while (measured < options.seconds) {
    const round = await exchangeRound();
    durations.push(...round.durations);
    refreshTokens.push(...round.results);
    measured += round.seconds;
  }
  const refreshed = await timedEach(refreshTokens, options.concurrency, (refreshToken) =>
    tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: refreshToken }),
  );
  return { code: summarise(durations, measured), refresh: summarise(refreshed.durations, refreshed.seconds) };
}
