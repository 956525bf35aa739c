import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphDatabase } from '../../lib/db/orm.js';
import { TotpFactor } from '../../subgraphs/identity/src/mfa/totp-factor.entity.js';
import type { TestStack, TestUser } from '../support/stack.js';
import { createClient, internal } from './internal-client.js';
import { memberAnswer, startMemberStack } from './member-client.js';
import { answer } from './oauth-client.js';

/**
 * seed 003's two 500s through the gateway, on a stack of this file's own (its tables are broken on
 * purpose): 29201000 when the database fails, 29601000 for any other failure. Neither says why.
 */
let stack: TestStack;
const logLines: Record<string, unknown>[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

beforeAll(async () => {
  stack = await startMemberStack({ LOG_LEVEL: 'error' }, { logDestination: logSink });
});
afterAll(async () => {
  await stack?.stop();
});

const DATABASE_ERROR = { status: 500, body: { code: 29201000, message: 'A database error occurred' } };
const INTERNAL_ERROR = { status: 500, body: { code: 29601000, message: 'Internal error' } };

/** Runs `during` while `schema.table` is renamed away (through that subgraph's own connection). */
async function withoutTable(database: SubgraphDatabase, schema: string, table: string, during: () => Promise<void>) {
  const em = database.fork();
  await em.execute(`alter table "${schema}"."${table}" rename to "${table}_gone"`);
  try {
    await during();
  } finally {
    await em.execute(`alter table "${schema}"."${table}_gone" rename to "${table}"`);
  }
}

/** The error log lines written since `from`, as text. */
const loggedSince = (from: number) => JSON.stringify(logLines.slice(from));

describe('a database failure', () => {
  let member: TestUser;
  beforeAll(async () => {
    member = await stack.createUser();
  });

  it('answers 500 29201000 in the member family, says nothing of it, and logs the cause', async () => {
    const logged = logLines.length;
    await withoutTable(stack.subgraphs.member.database, 'member', 'member_profile', async () => {
      expect(await memberAnswer(stack, 'GET', '/api/v1/members/me', { token: member.token })).toEqual(DATABASE_ERROR);
      expect(
        await memberAnswer(stack, 'PATCH', '/api/v1/members/me', {
          token: member.token,
          body: { display_name: 'X', language: 'fr' },
        }),
      ).toEqual(DATABASE_ERROR);
    });
    expect(loggedSince(logged)).toMatch(/member_profile/);
    // Back to normal once the table is back; the failed PATCH wrote nothing, not even the name in identity.
    const after = await memberAnswer(stack, 'GET', '/api/v1/members/me', { token: member.token });
    expect(after.status).toBe(200);
    expect(after.body['data']).not.toHaveProperty('display_name');
    expect(after.body['data']).not.toHaveProperty('language');
    const name = await stack.graphql<{ me: { displayName: string | null } }>('{ me { displayName } }', {
      token: member.token,
    });
    expect(name.errors).toBeUndefined();
    expect(name.data).toEqual({ me: { displayName: null } });
  });

  it('answers 500 29201000 from identity as well (the authenticator routes)', async () => {
    await withoutTable(stack.subgraphs.identity.database, 'identity', 'totp_factor', async () => {
      expect(await memberAnswer(stack, 'GET', '/api/v1/members/me/totp', { token: member.token })).toEqual(
        DATABASE_ERROR,
      );
    });
  });

  it('is DATABASE_ERROR in GraphQL, with a masked message and no internals', async () => {
    await withoutTable(stack.subgraphs.member.database, 'member', 'member_profile', async () => {
      const response = await stack.graphql('{ me { id memberProfile { language } } }', { token: member.token });
      expect(response.errors).toEqual([
        {
          message: 'A database error occurred',
          path: ['me', 'memberProfile'],
          extensions: { code: 'DATABASE_ERROR', http: { status: 500 } },
        },
      ]);
    });
  });

  it('keeps the shapes of the other families: seed 004 {error, message, details}, seed 000 {detail}', async () => {
    await withoutTable(stack.subgraphs.member.database, 'member', 'member_profile', async () => {
      expect(await answer(stack, 'GET', '/api/v1/users/me', { token: member.token })).toEqual({
        status: 500,
        body: { error: 'database_error', message: 'A database error occurred', details: {} },
      });
    });
    const admin = await stack.createUser({ role: 'SYSTEM_ADMIN' });
    const keys = await createClient(stack, admin, ['users:read']);
    await withoutTable(stack.subgraphs.identity.database, 'identity', 'user_account', async () => {
      expect(await internal(stack, 'GET', '/internal/members', { keys })).toEqual({
        status: 500,
        body: { detail: 'database_error' },
      });
    });
  });
});

describe('any other failure', () => {
  it('answers 500 29601000: an authenticator secret that no longer opens (SECRET_KEY changed)', async () => {
    const member = await stack.createUser();
    const started = await stack.graphql<{ startTotpEnrollment: { otpauthUrl: string } }>(
      'mutation { startTotpEnrollment { otpauthUrl } }',
      { token: member.token },
    );
    expect(started.errors).toBeUndefined();
    await stack.subgraphs.identity.database
      .fork()
      .nativeUpdate(
        TotpFactor,
        { user: member.id },
        { secretSealed: 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA' },
      );
    const logged = logLines.length;
    expect(
      await memberAnswer(stack, 'POST', '/api/v1/members/me/totp/enroll-confirm', {
        token: member.token,
        body: { code: '123456' },
      }),
    ).toEqual(INTERNAL_ERROR);
    expect(loggedSince(logged)).toMatch(/resolver failed/);
  });
});
