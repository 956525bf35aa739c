import { describe, expect, it } from 'vitest';
import { containsPattern } from './like.js';

describe('containsPattern', () => {
  it('matches anywhere and takes %, _ and backslash literally', () => {
    expect(containsPattern('chris')).toBe('%chris%');
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
