import { describe, expect, it } from 'vitest';
import { findUnstorableText, isStorableText } from './storable-text.js';

describe('storable text', () => {
  it('refuses NUL and unpaired surrogates, and takes surrogate pairs', () => {
    expect(isStorableText('plain, 中文, 😀')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('a\ud800')).toBe(false);
    expect(isStorableText('\udc00a')).toBe(false);
    expect(isStorableText('\ud83d\ude00\ud83d')).toBe(false);
  });

  it('finds the first bad string or key of a request value, by path', () => {
    expect(findUnstorableText({ a: 'ok', b: [1, true, null, 'ok'] })).toBeUndefined();
    expect(findUnstorableText({ a: 'ok', b: ['ok', { c: 'x\u0000' }], d: '\ud800' })).toEqual(['b', 1, 'c']);
    expect(findUnstorableText({ ['k\u0000']: 'ok' })).toEqual(['k\u0000']);
    expect(findUnstorableText('\u0000')).toEqual([]);
  });

  it('walks what a parser can build without overflowing the stack, and skips class instances', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(findUnstorableText({ deep })).toHaveLength(200_001);
    const query = Object.assign(Object.create(null) as Record<string, unknown>, { q: '\u0000' });
    expect(findUnstorableText(query)).toEqual(['q']);
    class Upload {
      readonly name = '\u0000';
    }
    expect(findUnstorableText({ file: new Upload() })).toBeUndefined();
  });
});
