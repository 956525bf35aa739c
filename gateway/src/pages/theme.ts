import { labelOn, readableOn } from './contrast.js';

/** An application's look on the hosted pages (seed 004 `theme`). */
export interface PageTheme {
  readonly primaryColor?: string | null;
  readonly secondaryColor?: string | null;
  readonly logoUrl?: string | null;
  readonly backgroundImageUrl?: string | null;
}

export interface CheckedTheme {
  readonly primary: string;
  readonly secondary: string;
  /** The label colour on a primary-filled button (white, or dark ink on a light primary). */
  readonly primaryLabel: string;
  /** The secondary colour as text on the page's white card: itself, or a shade of it that reaches AA. */
  readonly secondaryText: string;
  readonly logoUrl: string | undefined;
  readonly backgroundImageUrl: string | undefined;
}

/** The card every page's content sits on (layout.ts `main`). */
export const CARD_BACKGROUND = '#ffffff';
const DEFAULT_PRIMARY = '#1d4ed8';
const DEFAULT_SECONDARY = '#475569';
const color = /^#[0-9a-fA-F]{6}$/;

/** Only https URLs (or http on loopback, for development) ever reach a style or an img. */
function imageUrl(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Themes come from administrators, but they end up inside CSS and HTML attributes: anything that is
 * not exactly a colour or an image URL is dropped for the default, so a theme cannot inject styles.
 */
export function checkTheme(theme: PageTheme | null | undefined): CheckedTheme {
  const primary = theme?.primaryColor && color.test(theme.primaryColor) ? theme.primaryColor : DEFAULT_PRIMARY;
  const secondary =
    theme?.secondaryColor && color.test(theme.secondaryColor) ? theme.secondaryColor : DEFAULT_SECONDARY;
  return {
    primary,
    secondary,
    primaryLabel: labelOn(primary),
    secondaryText: readableOn(secondary, CARD_BACKGROUND),
    logoUrl: imageUrl(theme?.logoUrl),
    backgroundImageUrl: imageUrl(theme?.backgroundImageUrl),
  };
}

/** The origins a page loads images from (for its Content-Security-Policy). */
export function imageOrigins(theme: CheckedTheme): string[] {
  return [theme.logoUrl, theme.backgroundImageUrl].flatMap((url) => (url ? [new URL(url).origin] : []));
}
