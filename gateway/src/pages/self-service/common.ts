import type express from 'express';
import { flowStep, type FlowStep, type Pages } from '../authorize-flow.js';
import type { SafeHtml } from '../html.js';
import { sendPage } from '../layout.js';
import { checkTheme } from '../theme.js';
import { noticePage } from './views.js';

/** What the self-service pages share: the page frame (the default theme: no application here) and the step. */
export function show(step: FlowStep, title: string, body: SafeHtml, status = 200): void {
  sendPage(step.res, { title, locale: step.language.locale, theme: checkTheme(undefined), status, body });
}

export function stepOf(
  pages: Pages,
  req: express.Request,
  res: express.Response,
  source: Record<string, unknown>,
): FlowStep {
  return flowStep(pages, req, res, source);
}

/**
 * Only the language of a page opened from a mail (its link carries `ui_locales`): such a page is no
 * step of an authorization request, so nothing else of the query is carried.
 */
export function languageOnly(source: unknown): Record<string, unknown> {
  const value = (source as Record<string, unknown> | undefined)?.['ui_locales'];
  return typeof value === 'string' ? { ui_locales: value } : {};
}

export const queryToken = (req: express.Request) => (typeof req.query['token'] === 'string' ? req.query['token'] : '');

/** A form whose CSRF check failed: reloading the page gives a fresh one. */
export function formExpired(step: FlowStep): void {
  const { t } = step.language;
  const title = t('error.formExpired.title');
  show(step, title, noticePage({ t, title, message: t('error.formExpired.reload'), alert: true }), 403);
}
