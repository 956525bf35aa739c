import { timingSafeEqual } from 'node:crypto';

/**
 * Whether two secrets (digests, signatures, tokens) are equal, in time that does not depend on where
 * they differ. Strings compare as their UTF-8 bytes; a length difference answers false at once (the
 * length of a digest or token is no secret).
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const left = typeof a === 'string' ? Buffer.from(a) : a;
  const right = typeof b === 'string' ? Buffer.from(b) : b;
  return left.length === right.length && timingSafeEqual(left, right);
}
