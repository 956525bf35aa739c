import { describe, expect, it } from 'vitest';
import { createUserFactsSeal, USER_FACTS_TTL_SECONDS } from './user-facts.js';
import { secretKeys } from '../crypto/secret-key.js';

const key = 'k'.repeat(43);
const facts = { id: '6f1c2a52-86d5-4d5e-9a37-0d3f0f2bb001', tenantId: 'tenant-b', sub: 'ext|42' };

describe('sealed user facts', () => {
  it('open to the facts that were sealed, for the same user only', () => {
    const seal = createUserFactsSeal(secretKeys(key));
    const sealed = seal.seal(facts);
    expect(sealed).not.toContain('tenant-b');
    expect(seal.open(sealed, facts.id)).toEqual(facts);
    expect(seal.open(sealed, '6f1c2a52-86d5-4d5e-9a37-0d3f0f2bb002')).toBeUndefined();
  });

  it('refuse anything not sealed by the same key, or altered', () => {
    const sealed = createUserFactsSeal(secretKeys(key)).seal(facts);
    expect(createUserFactsSeal(secretKeys('z'.repeat(43))).open(sealed, facts.id)).toBeUndefined();
    const [version, iv, tag, body] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(
      createUserFactsSeal(secretKeys(key)).open([version, iv, tag, flipped.toString('base64url')].join('.'), facts.id),
    ).toBe(undefined);
    for (const junk of [undefined, null, 42, {}, '', 'v1.a.b.c', 'x'.repeat(5000)])
      expect(createUserFactsSeal(secretKeys(key)).open(junk, facts.id)).toBeUndefined();
  });

  it(`expire after ${USER_FACTS_TTL_SECONDS} s`, () => {
    let now = Date.parse('2026-12-04T12:00:00Z');
    const seal = createUserFactsSeal(secretKeys(key), () => now);
    const sealed = seal.seal(facts);
    now += (USER_FACTS_TTL_SECONDS - 1) * 1000;
    expect(seal.open(sealed, facts.id)).toEqual(facts);
    now += 1000;
    expect(seal.open(sealed, facts.id)).toBeUndefined();
  });

  it('are sealed once for the same facts while over half their life is left, anew when the facts change', () => {
    let now = Date.parse('2026-12-04T12:00:00Z');
    const seal = createUserFactsSeal(secretKeys(key), () => now);
    const first = seal.seal(facts);
    now += (USER_FACTS_TTL_SECONDS / 2 - 1) * 1000;
    expect(seal.seal(facts)).toBe(first);
    const moved = seal.seal({ ...facts, tenantId: 'tenant-c' });
    expect(moved).not.toBe(first);
    expect(seal.open(moved, facts.id)).toEqual({ ...facts, tenantId: 'tenant-c' });
    now += 1000;
    const renewed = seal.seal(facts);
    expect(renewed).not.toBe(first);
    // The one handed out before still opens until its own expiry, not longer, however often it is opened.
    now += (USER_FACTS_TTL_SECONDS / 2 - 1) * 1000;
    expect(seal.open(first, facts.id)).toEqual(facts);
    now += 1000;
    expect(seal.open(first, facts.id)).toBeUndefined();
    expect(seal.open(renewed, facts.id)).toEqual(facts);
  });

  it('keep refusing a remembered seal for another user', () => {
    const seal = createUserFactsSeal(secretKeys(key));
    const sealed = seal.seal(facts);
    expect(seal.open(sealed, facts.id)).toEqual(facts);
    expect(seal.open(sealed, '6f1c2a52-86d5-4d5e-9a37-0d3f0f2bb002')).toBeUndefined();
  });
});
