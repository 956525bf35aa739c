import { describe, expect, it } from 'vitest';
import { secretKeys } from '../crypto/secret-key.js';
import { relaySigner } from './relay-signature.js';

const [current, old] = ['c'.repeat(40), 'o'.repeat(40)];

describe('relay signatures', () => {
  it('are accepted from replicas still signing under a SECRET_KEY fallback, while the key changes', () => {
    const body = Buffer.from('{"events":[]}');
    const receiving = relaySigner(secretKeys(current, [old]));
    expect(receiving.verify(body, relaySigner(secretKeys(old)).sign(body))).toBe(true);
    expect(receiving.verify(body, receiving.sign(body))).toBe(true);
    expect(relaySigner(secretKeys(current)).verify(body, relaySigner(secretKeys(old)).sign(body))).toBe(false);
    expect(receiving.verify(Buffer.from('{"events":[1]}'), receiving.sign(body))).toBe(false);
    expect(receiving.verify(body, undefined)).toBe(false);
  });
});
