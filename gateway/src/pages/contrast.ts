/**
 * WCAG 2.x contrast (success criterion 1.4.3): a theme colour may colour text only where it reaches
 * 4.5:1 against what it is drawn on; otherwise a darker (or lighter) shade of the same hue is used.
 */
export const AA_TEXT_CONTRAST = 4.5;

type Rgb = readonly [number, number, number];

function rgb(hex: string): Rgb {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** Relative luminance (WCAG 2.x definition, sRGB). */
export function luminance(color: string): number {
  const [r, g, b] = rgb(color).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as unknown as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** `color` mixed toward `target` by `amount` (0..1), which keeps the hue. */
function mix(color: string, target: string, amount: number): string {
  const from = rgb(color);
  const to = rgb(target);
  return hex([0, 1, 2].map((i) => from[i]! + (to[i]! - from[i]!) * amount) as unknown as Rgb);
}

/**
 * `color` itself when it reads on `background`, else the least-mixed shade of it toward black (on a
 * light background) or white (on a dark one) that reaches AA; black or white reach it always.
 */
export function readableOn(color: string, background: string): string {
  if (contrastRatio(color, background) >= AA_TEXT_CONTRAST) return color;
  const target = luminance(background) > 0.18 ? '#000000' : '#ffffff';
  for (let step = 1; step <= 20; step += 1) {
    const shade = mix(color, target, step / 20);
    if (contrastRatio(shade, background) >= AA_TEXT_CONTRAST) return shade;
  }
  return target;
}

/** The label colour for a button filled with `fill`: white when it reads, else a dark ink. */
export function labelOn(fill: string): string {
  if (contrastRatio('#ffffff', fill) >= AA_TEXT_CONTRAST) return '#ffffff';
  return readableOn('#0f172a', fill);
}
