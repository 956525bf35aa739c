/** The picture formats members may upload: what every browser shows, and nothing that can script. */
export type PictureType = 'image/png' | 'image/jpeg' | 'image/webp';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, expected: readonly number[], at = 0): boolean {
  return bytes.length >= at + expected.length && expected.every((byte, i) => bytes[at + i] === byte);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * The type of an image from its leading bytes, never from a declared Content-Type or file name
 * (either is whatever the client says). Undefined for anything else (GIF, SVG, HTML, ...).
 */
export function detectPictureType(bytes: Uint8Array): PictureType | undefined {
  // PNG: the 8-byte signature, then the IHDR chunk that must come first.
  if (startsWith(bytes, PNG_SIGNATURE) && startsWith(bytes, ascii('IHDR'), 12)) return 'image/png';
  // JPEG: start-of-image marker followed by another marker.
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // WebP: a RIFF container of form WEBP whose first chunk is VP8 (lossy), VP8L (lossless) or VP8X.
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBPVP8'), 8)) {
    const variant = bytes[15];
    if (variant === 0x20 || variant === 0x4c || variant === 0x58) return 'image/webp';
  }
  return undefined;
}
