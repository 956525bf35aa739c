import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createReleaseSeals, RELEASE_SEAL_TTL_SECONDS } from './release-seal.js';
import { secretKeys } from '../crypto/secret-key.js';

const key = randomBytes(32).toString('base64url');
const ticketFacts = { userId: 'u1', clientId: 'mga_x', claims: ['email' as const, 'gender' as const], idToken: null };

function answerFor(ticketId: string, userId = 'u1') {
  return { ticketId, userId, allowed: ['email' as const], values: {}, profileUpdatedAt: null };
}

describe('the OpenID release seals', () => {
  it('opens what was sealed under the same key, for the same ticket and user', () => {
    const seals = createReleaseSeals(secretKeys(key));
    const ticket = seals.openTicket(seals.sealTicket(ticketFacts))!;
    expect(ticket).toMatchObject(ticketFacts);
    expect(seals.openAnswer(seals.sealAnswer(answerFor(ticket.id)), ticket)).toMatchObject({ allowed: ['email'] });
  });

  it('believes no forged, foreign, swapped or stale seal', () => {
    let now = Date.now();
    const seals = createReleaseSeals(secretKeys(key), () => now);
    const other = createReleaseSeals(secretKeys(randomBytes(32).toString('base64url')));
    const ticket = seals.openTicket(seals.sealTicket(ticketFacts))!;
    const secondTicket = seals.openTicket(seals.sealTicket(ticketFacts))!;

    expect(seals.openTicket('v1.AAAA.BBBB.CCCC')).toBeUndefined();
    expect(seals.openTicket(JSON.stringify(ticketFacts))).toBeUndefined();
    expect(seals.openTicket(other.sealTicket(ticketFacts))).toBeUndefined();
    // Member's answer to one ticket is no answer to another, nor about another user, nor a ticket.
    expect(seals.openAnswer(seals.sealAnswer(answerFor(ticket.id)), secondTicket)).toBeUndefined();
    expect(seals.openAnswer(seals.sealAnswer(answerFor(ticket.id, 'u2')), ticket)).toBeUndefined();
    expect(seals.openAnswer(seals.sealTicket(ticketFacts), ticket)).toBeUndefined();
    expect(seals.openTicket(seals.sealAnswer(answerFor(ticket.id)))).toBeUndefined();

    const sealed = seals.sealAnswer(answerFor(ticket.id));
    now += (RELEASE_SEAL_TTL_SECONDS + 1) * 1000;
    expect(seals.openAnswer(sealed, ticket)).toBeUndefined();
  });
});
