import { describe, expect, it } from 'vitest';
import { checkDisplayName } from './display-name.js';

describe('checkDisplayName', () => {
  it('trims, and takes 1 to 100 characters counted as code points', () => {
    expect(checkDisplayName('  Chris  ')).toEqual({ ok: true, value: 'Chris' });
    expect(checkDisplayName('').ok).toBe(false);
    expect(checkDisplayName(' \t ').ok).toBe(false);
    expect(checkDisplayName('x'.repeat(100)).ok).toBe(true);
    expect(checkDisplayName('x'.repeat(101))).toEqual({
      ok: false,
      message: 'must be 1 to 100 characters (null clears it)',
    });
    expect(checkDisplayName('😀'.repeat(100)).ok).toBe(true);
  });
});
