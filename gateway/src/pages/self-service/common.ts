import type express from 'express';
import { flowParams, type FlowStep, type Pages } from '../authorize-flow.js';
import type { SafeHtml } from '../html.js';
import { sendPage } from '../layout.js';
import { checkTheme } from '../theme.js';

/** What the self-service pages share: the page frame (the default theme: no application here) and the step. */
export function show(step: FlowStep, title: string, body: SafeHtml, status = 200): void {
  sendPage(step.res, { title, theme: checkTheme(undefined), status, body });
}

export function stepOf(
  pages: Pages,
  req: express.Request,
  res: express.Response,
  source: Record<string, unknown>,
): FlowStep {
  return { pages, req, res, params: flowParams(source) };
}

export const queryToken = (req: express.Request) => (typeof req.query['token'] === 'string' ? req.query['token'] : '');
