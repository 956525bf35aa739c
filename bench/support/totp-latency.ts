import { generate } from 'otplib';
import type { Stack } from '../../gateway/src/stack.js';
import { insertAccountWithToken } from '../../test/support/account-fixture.js';
import { graphqlAs, summarise, timedEach, type LatencySample } from './harness.js';

/**
 * TOTP verification cannot be replayed by autocannon: a code (indeed a time step) is accepted once per
 * account. So this enrolls many accounts and verifies each once, measuring every request, next to
 * the same number of TOTP status reads by the same accounts as the baseline.
 */
interface Enrolled {
  readonly token: string;
  readonly secret: string;
}

async function enroll(stack: Stack, url: string): Promise<Enrolled> {
  const { token } = await insertAccountWithToken({
    database: stack.subgraphs.identity.database,
    signingKeys: stack.identity.signingKeys,
  });
  const started = await graphqlAs(url, token, 'mutation { startTotpEnrollment { otpauthUrl } }');
  const otpauthUrl = (started['startTotpEnrollment'] as { otpauthUrl: string }).otpauthUrl;
  const secret = new URL(otpauthUrl).searchParams.get('secret') ?? '';
  await graphqlAs(url, token, 'mutation ($code: String!) { confirmTotpEnrollment(code: $code) { backupCodes } }', {
    code: await generate({ secret }),
  });
  return { token, secret };
}

async function timed<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>) {
  const { durations, seconds } = await timedEach(items, concurrency, task);
  return summarise(durations, seconds);
}

export async function totpLatency(
  stack: Stack,
  accounts: number,
  concurrency: number,
): Promise<{ verify: LatencySample; status: LatencySample }> {
  const url = `${stack.gatewayUrl}/graphql`;
  const enrolled: Enrolled[] = [];
  for (let i = 0; i < accounts; i += concurrency) {
    const batch = Math.min(concurrency, accounts - i);
    enrolled.push(...(await Promise.all(Array.from({ length: batch }, () => enroll(stack, url)))));
  }
  const status = await timed(enrolled, concurrency, async ({ token }) => {
    await graphqlAs(url, token, '{ myTotp { enrolled backupCodesRemaining } }');
  });
  // Enrollment used the current step; the next step's code is inside the ±1 window and not yet used.
  const verify = await timed(enrolled, concurrency, async ({ token, secret }) => {
    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    await graphqlAs(url, token, 'mutation ($code: String!) { verifyTotp(code: $code) }', { code });
  });
  return { verify, status };
}
