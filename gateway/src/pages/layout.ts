import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { html, trusted, type SafeHtml } from './html.js';
import { DIRECTION, type Locale } from '../../../lib/i18n/locales.js';
import { CARD_BACKGROUND, imageOrigins, type CheckedTheme } from './theme.js';

export interface PageOptions {
  readonly title: string;
  /** The page's language: its `lang` and `dir`. */
  readonly locale: Locale;
  readonly theme: CheckedTheme;
  readonly body: SafeHtml;
  readonly status?: number;
  /** Origins forms may post or be redirected to besides ours (the application's redirect URI). */
  readonly formTargets?: readonly string[];
}

const styles = (theme: CheckedTheme) => `
:root { --primary: ${theme.primary}; --primary-label: ${theme.primaryLabel}; --secondary-text: ${theme.secondaryText};
  color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center; padding: 1rem;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #0f172a;
  background: #f1f5f9 ${theme.backgroundImageUrl ? `url("${theme.backgroundImageUrl}") center / cover no-repeat` : ''}; }
main { width: 100%; max-width: 26rem; background: ${CARD_BACKGROUND}; border-radius: 12px; padding: 2rem 1.5rem;
  box-shadow: 0 10px 30px rgb(15 23 42 / 0.15); border-top: 6px solid var(--primary); }
.logo { display: block; max-height: 56px; max-width: 60%; margin: 0 auto 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 0.25rem; text-align: center; }
p.lead { margin: 0 0 1.5rem; text-align: center; color: var(--secondary-text); }
label { display: block; font-weight: 600; margin: 1rem 0 0.25rem; }
input[aria-invalid=true] { border-color: #b91c1c; }
p.field-error { margin: 0.25rem 0 0; font-size: 0.9rem; color: #991b1b; }
.links a { display: inline-block; margin: 0 0.5rem; }
input[type=email], input[type=password], input[type=text] { width: 100%; padding: 0.7rem 0.8rem; font: inherit;
  border: 1px solid #94a3b8; border-radius: 8px; }
input:focus-visible, button:focus-visible { outline: 3px solid var(--primary); outline-offset: 2px; }
button { width: 100%; margin-top: 1.5rem; padding: 0.8rem; font: inherit; font-weight: 600; border-radius: 8px;
  cursor: pointer; border: 1px solid var(--primary); background: var(--primary); color: var(--primary-label); }
button.secondary { background: ${CARD_BACKGROUND}; color: var(--secondary-text); border-color: #cbd5e1; margin-top: 0.75rem; }
.error { background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; border-radius: 8px; padding: 0.75rem;
  margin-bottom: 1rem; }
p.hint { margin: 0.25rem 0 0; font-size: 0.9rem; color: #475569; }
ul.scopes { padding-left: 1.25rem; } ul.scopes li { margin: 0.25rem 0; }
.who { text-align: center; color: var(--secondary-text); font-size: 0.9rem; margin-top: 1.25rem; }
`;

/**
 * Sends a server-rendered page: no script, no external stylesheet or font, styles under a per-response
 * nonce, images only from the application's logo/background origins, never framed or cached.
 */
export function sendPage(res: Response, options: PageOptions): void {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `img-src ${["'self'", ...imageOrigins(options.theme)].join(' ')}`,
    `form-action ${["'self'", ...(options.formTargets ?? [])].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  res
    .status(options.status ?? 200)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': csp,
      'Cache-Control': 'no-store',
      // Same-origin only: the application never sees our URLs, and our form posts keep their Origin
      // (with no-referrer Chromium sends "Origin: null", which the CSRF check rightly refuses).
      'Referrer-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
    })
    .send(
      html`<!doctype html>
        <html lang="${options.locale}" dir="${DIRECTION[options.locale]}">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>${options.title}</title>
            <style nonce="${nonce}">
              ${trusted(styles(options.theme))}
            </style>
          </head>
          <body>
            <main>
              ${options.theme.logoUrl ? html`<img class="logo" src="${options.theme.logoUrl}" alt="" />` : ''}
              ${options.body}
            </main>
          </body>
        </html> `.toString(),
    );
}
