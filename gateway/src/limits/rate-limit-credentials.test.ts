import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createRefreshTokenTags } from '../../../lib/auth/refresh-token-tag.js';
import { createClientVerifier, createCredentialOwner } from './rate-limit-credentials.js';
import { secretKeys } from '../../../lib/crypto/secret-key.js';

const refreshTokens = createRefreshTokenTags(secretKeys('a-secret-key-for-this-test-only-0123456789'));
const owner = createCredentialOwner({
  refreshTokens,
  verifyClient: async (clientId, clientSecret) => clientId === 'mga_known' && clientSecret === 'mgs_right',
});

describe('the owner of a grant', () => {
  it("is a refresh token's session, read from its tag", async () => {
    const session = randomUUID();
    expect(await owner({ kind: 'grant', refreshToken: refreshTokens.mint(session) })).toBe(`session:${session}`);
  });

  it('is nobody (the address) for a made-up or pre-tag refresh token', async () => {
    expect(await owner({ kind: 'grant', refreshToken: randomBytes(64).toString('base64url') })).toBeUndefined();
    expect(await owner({ kind: 'grant', refreshToken: randomBytes(32).toString('base64url') })).toBeUndefined();
    expect(await owner({ kind: 'grant' })).toBeUndefined();
  });

  it('is the confidential client whose secret checks out', async () => {
    expect(await owner({ kind: 'grant', clientId: 'mga_known', clientSecret: 'mgs_right' })).toBe('app:mga_known');
  });

  it('is the address for a wrong secret, even beside a genuine refresh token', async () => {
    const refreshToken = refreshTokens.mint(randomUUID());
    expect(
      await owner({ kind: 'grant', clientId: 'mga_known', clientSecret: 'mgs_wrong', refreshToken }),
    ).toBeUndefined();
    expect(await owner({ kind: 'grant', clientSecret: 'mgs_right', refreshToken })).toBeUndefined();
  });
});

describe('the client verifier', () => {
  it('asks identity once for concurrent requests, keeps a yes briefly, and never keeps a no', async () => {
    let questions = 0;
    const identity = express();
    identity.post('/oauth-clients/verify', express.json(), (req, res) => {
      questions += 1;
      const body = req.body as { clientId: string; clientSecret: string };
      setTimeout(() => res.json({ valid: body.clientSecret === 'mgs_right' }), 50);
    });
    const server = identity.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const verify = createClientVerifier({
        verifyUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth-clients/verify`,
      });
      const answers = await Promise.all(Array.from({ length: 20 }, () => verify('mga_known', 'mgs_right')));
      expect(answers).toEqual(Array<boolean>(20).fill(true));
      expect(await verify('mga_known', 'mgs_right')).toBe(true);
      expect(questions).toBe(1);
      expect(await verify('mga_known', 'mgs_wrong')).toBe(false);
      expect(await verify('mga_known', 'mgs_wrong')).toBe(false);
      expect(questions).toBe(3);
    } finally {
      server.close();
    }
  });

  it('answers no when identity cannot be asked', async () => {
    const verify = createClientVerifier({ verifyUrl: 'http://127.0.0.1:9/oauth-clients/verify' });
    expect(await verify('mga_known', 'mgs_right')).toBe(false);
  });
});
