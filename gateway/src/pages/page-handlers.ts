import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import type { RawRouteContext, RawRouteDeclaration } from '../rest/raw-route.js';
import { pageHandler, pagesOf, type Pages } from './authorize-flow.js';

type Handlers = RawRouteDeclaration<RawRouteContext>['handlers'];

/** A form's fields as the urlencoded parser leaves them (only strings, and arrays of them). */
export type FormFields = Record<string, unknown>;

/** The body limit of every hosted form: a few fields typed by a person. */
const FORM_LIMIT = '16kb';

/** The handlers of a hosted page (GET): a failure becomes an error page (pageHandler), never JSON. */
export function pageHandlers(show: (pages: Pages, req: Request, res: Response) => Promise<void>): Handlers {
  return (context) => {
    const pages = pagesOf(context);
    return [pageHandler(pages, (req, res) => show(pages, req, res))];
  };
}

/**
 * The handlers of a hosted form (POST, urlencoded, at most 16 kB): `submit` gets its fields; a
 * failure becomes an error page. `afterwards` are error handlers for what the parser refused.
 */
export function formHandlers(
  submit: (pages: Pages, req: Request, res: Response, fields: FormFields) => Promise<void>,
  ...afterwards: ErrorRequestHandler[]
): Handlers {
  return (context) => {
    const pages = pagesOf(context);
    return [
      express.urlencoded({ extended: false, limit: FORM_LIMIT }),
      pageHandler(pages, (req, res) => submit(pages, req, res, (req.body ?? {}) as FormFields)),
      ...afterwards,
    ];
  };
}
