import { describe, expect, it } from 'vitest';
import { gif, jpeg, png, webpLossless, webpLossy } from '../../../../test/rest/picture-fixtures.js';
import { detectPictureType } from './image-type.js';

describe('detectPictureType', () => {
  it('recognises PNG, JPEG and WebP from their bytes', () => {
    expect(detectPictureType(png())).toBe('image/png');
    expect(detectPictureType(png([0, 0, 255], 4096))).toBe('image/png');
    expect(detectPictureType(jpeg())).toBe('image/jpeg');
    expect(detectPictureType(webpLossless)).toBe('image/webp');
    expect(detectPictureType(webpLossy)).toBe('image/webp');
  });

  it('refuses everything else, however it starts', () => {
    const refused = {
      gif,
      svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      html: Buffer.from('<!doctype html><script>alert(1)</script>'),
      text: Buffer.from('hello'),
      empty: Buffer.alloc(0),
      // Signatures cut short, or a RIFF that is not WebP (a WAVE file).
      pngSignatureOnly: png().subarray(0, 8),
      jpegTwoBytes: Buffer.from([0xff, 0xd8]),
      wave: Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt ')]),
      webpUnknownChunk: Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8Q')]),
    };
    for (const [name, bytes] of Object.entries(refused)) expect(detectPictureType(bytes), name).toBeUndefined();
  });
});
