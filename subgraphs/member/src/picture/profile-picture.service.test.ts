import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../lib/errors/index.js';
import { gif, png } from '../../../../test/rest/picture-fixtures.js';
import { matchesEtag } from './media-route.js';
import { ProfilePictureService } from './profile-picture.service.js';

const service = new ProfilePictureService({ maxBytes: 1024, publicUrl: 'https://members.example.test' });

function refusal(imageBase64: string): AppError {
  try {
    service.decode(imageBase64);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('ProfilePictureService.decode', () => {
  it('accepts a PNG up to exactly the limit', () => {
    const exact = png([1, 2, 3], 1024);
    expect(service.decode(exact.toString('base64'))).toEqual({ bytes: exact, contentType: 'image/png' });
  });

  it('refuses one byte over the limit, naming the limit', () => {
    const error = refusal(png([1, 2, 3], 1025).toString('base64'));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.status).toBe(413);
    expect(error.details).toEqual({ maxBytes: 1024 });
    // Far too long is refused before decoding, the same way.
    expect(refusal('A'.repeat(1_000_000)).details['maxBytes']).toBe(1024);
  });

  it('refuses empty input, text that is not base64, and images of other types', () => {
    expect(refusal('').message).toBe('imageBase64 must not be empty');
    expect(refusal('not base64!').message).toBe('imageBase64 must be standard base64');
    expect(refusal('iVBORw0KGgo').message).toBe('imageBase64 must be standard base64');
    expect(refusal(gif.toString('base64')).message).toBe('imageBase64 must be a PNG, JPEG or WebP image');
    expect(refusal(Buffer.from('hello world!').toString('base64')).message).toBe(
      'imageBase64 must be a PNG, JPEG or WebP image',
    );
  });

  it('names pictures by an absolute, content-addressed URL', () => {
    expect(service.urlOf({ userId: 'u1', sha256: 'ab' })).toBe(
      'https://members.example.test/media/profile-pictures/u1/ab',
    );
  });
});

describe('matchesEtag', () => {
  it('compares entity tags weakly, in lists, and honours *', () => {
    expect(matchesEtag('"abc"', '"abc"')).toBe(true);
    expect(matchesEtag('W/"abc"', '"abc"')).toBe(true);
    expect(matchesEtag('"x", "abc"', '"abc"')).toBe(true);
    expect(matchesEtag('*', '"abc"')).toBe(true);
    expect(matchesEtag('"abcd"', '"abc"')).toBe(false);
    expect(matchesEtag('abc', '"abc"')).toBe(false);
    expect(matchesEtag(undefined, '"abc"')).toBe(false);
  });
});
