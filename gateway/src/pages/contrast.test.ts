import { describe, expect, it } from 'vitest';
import { AA_TEXT_CONTRAST, contrastRatio, labelOn, readableOn } from './contrast.js';

describe('theme colours on text', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#f4a261', '#ffffff')).toBeCloseTo(2.03, 1);
  });

  it('keeps a colour that reads and darkens one that does not, to AA and no further than needed', () => {
    expect(readableOn('#334155', '#ffffff')).toBe('#334155');
    const shade = readableOn('#f4a261', '#ffffff');
    expect(contrastRatio(shade, '#ffffff')).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
    expect(contrastRatio(shade, '#ffffff')).toBeLessThan(6);
    expect(contrastRatio(readableOn('#1e3a8a', '#0f172a'), '#0f172a')).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
  });

  it('labels a light button fill with dark ink and a dark one with white', () => {
    expect(labelOn('#1d4ed8')).toBe('#ffffff');
    expect(contrastRatio(labelOn('#ffd166'), '#ffd166')).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
  });
});
