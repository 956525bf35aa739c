import { crc32, deflateSync } from 'node:zlib';

/**
 * Tiny but valid images, built from bytes, for the profile picture tests. None comes from a file
 * the test could not explain.
 */

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A 1x1 RGB PNG of the given colour. `totalBytes` pads it to an exact size with a private ancillary
 * chunk (`prVt`), which decoders skip: still a valid PNG.
 */
export function png(rgb: readonly [number, number, number] = [255, 0, 0], totalBytes?: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0); // width
  ihdr.writeUInt32BE(1, 4); // height
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, adaptive filter, no interlace
  const head = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr)]);
  // One scanline: filter type 0, then the pixel.
  const tail = Buffer.concat([
    pngChunk('IDAT', deflateSync(Buffer.from([0, ...rgb]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  if (totalBytes === undefined) return Buffer.concat([head, tail]);
  const padding = totalBytes - head.length - tail.length - 12;
  if (padding < 0) throw new Error(`a PNG cannot be smaller than ${head.length + tail.length + 12} bytes`);
  return Buffer.concat([head, pngChunk('prVt', Buffer.alloc(padding, 0x61)), tail]);
}

/**
 * A baseline 1x1 grey JPEG: one 8x8 block whose DC difference is 0 and whose AC coefficients end at
 * once, each coded with a one-symbol Huffman table (code `0`).
 */
export function jpeg(): Buffer {
  const startOfImage = [0xff, 0xd8];
  const endOfImage = [0xff, 0xd9];
  const segment = (marker: number, data: number[]) => [
    0xff,
    marker,
    (data.length + 2) >> 8,
    (data.length + 2) & 0xff,
    ...data,
  ];
  const oneSymbolTable = (tableClass: number, symbol: number) => [
    tableClass << 4,
    1,
    ...Array<number>(15).fill(0),
    symbol,
  ];
  return Buffer.from([
    ...startOfImage,
    ...segment(0xdb, [0, ...Array<number>(64).fill(1)]), // DQT 0: all ones
    ...segment(0xc0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]), // SOF0: 8-bit, 1x1, one component
    ...segment(0xc4, oneSymbolTable(0, 0x00)), // DHT DC 0: category 0
    ...segment(0xc4, oneSymbolTable(1, 0x00)), // DHT AC 0: end of block
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]), // SOS
    0x3f, // entropy-coded data: bits 0 (DC) and 0 (EOB), padded with ones
    ...endOfImage,
  ]);
}

/** 1x1 WebP images (lossless and lossy), the ones browsers' WebP feature checks decode. */
export const webpLossless = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
export const webpLossy = Buffer.from('UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA', 'base64');

/** A 1x1 GIF: an image, but not one we accept. */
export const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
