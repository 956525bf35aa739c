import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import type { DocumentNode } from 'graphql';
import { anonymous, type Principal } from '../../../lib/auth/principal.js';
import { AppError } from '../../../lib/errors/index.js';
import type { Logger } from '../../../lib/logging/logger.js';
import { clientRequestError } from '../http/client-errors.js';
import {
  PageAuthorizationPromptDocument,
  PageAuthorizeDocument,
  PageCompleteMfaDocument,
  PageSignInDocument,
  PageWhoAmIDocument,
  type PageAuthorizationPromptQuery,
} from '../generated/graphql.js';
import type { Authenticated, RestLayerOptions } from '../rest/router.js';
import { throwIfErrors } from '../rest/router.js';
import { clearPageCookie, readCookies, setPageCookie, type CookieOptions } from './cookies.js';
import { csrfAccepted, csrfToken } from './csrf.js';
import { sendPage } from './layout.js';
import { consentPage, errorPage, mfaPage, signInPage, type FlowParams } from './views.js';
import { checkTheme } from './theme.js';

export const AUTHORIZE_PATH = '/oauth/authorize';
export const SESSION_COOKIE = 'mg_session';

export interface AuthorizePagesOptions {
  readonly publicUrl: string;
  /** Secure cookies: outside development, and whenever PUBLIC_URL is https. */
  readonly secureCookies: boolean;
  readonly logger: Logger;
  /** Runs an operation through the gateway in-process as `caller` (as the REST layer does). */
  readonly execute: RestLayerOptions['execute'];
  /** The principal of a session cookie's access token, or undefined when it is invalid or ended. */
  readonly authenticateToken: (token: string) => Promise<Principal | undefined>;
}

type Prompt = NonNullable<PageAuthorizationPromptQuery['applicationForAuthorization']>;

const startAgain = 'Go back to the application and start again.';

const FLOW_FIELDS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;

/** A form field as text ('' when absent; urlencoded bodies hold only strings). */
function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

function flowParams(source: Record<string, unknown>): FlowParams {
  const params: Record<string, string> = {};
  for (const field of FLOW_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' && value.length <= 2048) params[field] = value;
  }
  return params;
}

/** Messages for refusals a person can act on; anything else is "try again later". */
function signInProblem(error: AppError): { message: string; status: number } {
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return { message: 'The e-mail address or password is not right.', status: 401 };
    case 'OTP_INVALID':
      return { message: 'That code is not right, or it was already used. Try the next one.', status: 401 };
    case 'RATE_LIMITED':
      return { message: 'Too many attempts. Wait a little and try again.', status: 429 };
    case 'FORBIDDEN':
      return { message: 'This account cannot sign in.', status: 403 };
    case 'VALIDATION_FAILED':
      return { message: 'Fill in every field.', status: 400 };
    default:
      return { message: 'Something went wrong on our side. Try again later.', status: 500 };
  }
}

/**
 * The browser side of the authorization code flow: `GET /oauth/authorize` (the endpoint named in
 * discovery) signs the person in on a page themed for the application, asks for the second factor
 * when enrolled, asks for consent, and sends the browser to the redirect URI with a code. Nothing is
 * decided here: identity's operations (applicationForAuthorization, login, completeMfaSignIn,
 * authorizeApplication) hold every rule; these pages only carry the request through forms.
 */
export function createAuthorizePages(options: AuthorizePagesOptions): Router {
  const router = express.Router();
  const cookieOptions: CookieOptions = { secure: options.secureCookies };
  const publicOrigin = new URL(options.publicUrl).origin;

  async function run<T>(
    req: Request,
    res: Response,
    caller: Authenticated,
    document: DocumentNode,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    return throwIfErrors(await options.execute(req, res, caller, document, variables)) as T;
  }

  /** The signed-in person of this browser, from the session cookie. */
  async function session(req: Request): Promise<Authenticated | undefined> {
    const token = readCookies(req)[SESSION_COOKIE];
    if (!token) return undefined;
    const principal = await options.authenticateToken(token);
    return principal ? { principal, forward: `Bearer ${token}` } : undefined;
  }

  async function prompt(req: Request, res: Response, params: FlowParams, caller: Authenticated) {
    const { applicationForAuthorization } = await run<PageAuthorizationPromptQuery>(
      req,
      res,
      caller,
      PageAuthorizationPromptDocument,
      {
        clientId: params.client_id ?? '',
        redirectUri: params.redirect_uri ?? '',
        scope: params.scope ?? null,
        responseType: params.response_type ?? null,
        state: params.state ?? null,
        codeChallenge: params.code_challenge ?? null,
        codeChallengeMethod: params.code_challenge_method ?? null,
      },
    );
    return applicationForAuthorization;
  }

  function refuse(res: Response, title: string, message: string, status = 400, found?: Prompt) {
    sendPage(res, { title, theme: checkTheme(found?.theme), status, body: errorPage(title, message) });
  }

  /**
   * Checks the application and redirect URI first: without both, nothing may redirect anywhere. Then
   * a request that no sign-in or consent could make valid (response_type, PKCE, an unknown scope) goes
   * back to the application at once with its error, as seed 004's POST endpoint answers it.
   */
  async function checkedPrompt(req: Request, res: Response, params: FlowParams, caller: Authenticated) {
    if (!params.client_id || !params.redirect_uri) {
      refuse(res, 'Incomplete request', 'The application did not say who it is or where to return.');
      return undefined;
    }
    const found = await prompt(req, res, params, caller);
    if (!found) {
      refuse(res, 'Unknown application', 'This application is not registered here.');
      return undefined;
    }
    if (!found.redirectUriRegistered) {
      refuse(
        res,
        'Unregistered return address',
        'The application asked to return to an address it has not registered.',
        400,
        found,
      );
      return undefined;
    }
    if (found.refusal) {
      res.redirect(303, found.refusal.redirectTo);
      return undefined;
    }
    return found;
  }

  /** Approves or refuses through identity and sends the browser on (303: the next request is a GET). */
  async function decide(req: Request, res: Response, params: FlowParams, caller: Authenticated, denied: boolean) {
    const { authorizeApplication } = await run<{ authorizeApplication: { redirectTo: string } }>(
      req,
      res,
      caller,
      PageAuthorizeDocument,
      {
        input: {
          responseType: params.response_type ?? null,
          clientId: params.client_id ?? '',
          redirectUri: params.redirect_uri ?? '',
          scope: params.scope ?? null,
          state: params.state ?? null,
          codeChallenge: params.code_challenge ?? null,
          codeChallengeMethod: params.code_challenge_method ?? null,
          denied,
        },
      },
    );
    res.redirect(303, authorizeApplication.redirectTo);
  }

  function formTargets(params: FlowParams): string[] {
    try {
      return params.redirect_uri ? [new URL(params.redirect_uri).origin] : [];
    } catch {
      return [];
    }
  }

  function showSignIn(
    req: Request,
    res: Response,
    params: FlowParams,
    found: Prompt,
    problem?: { message: string; status: number },
  ) {
    sendPage(res, {
      title: `Sign in to ${found.name}`,
      theme: checkTheme(found.theme),
      formTargets: formTargets(params),
      status: problem?.status ?? 200,
      body: signInPage({
        params,
        application: found.name,
        csrf: csrfToken(req, res, cookieOptions),
        error: problem?.message,
      }),
    });
  }

  /** With a session: straight on when consent already covers the request, else the consent page. */
  async function continueSignedIn(req: Request, res: Response, params: FlowParams, caller: Authenticated) {
    const found = await checkedPrompt(req, res, params, caller);
    if (!found) return;
    if (found.alreadyAuthorized) {
      await decide(req, res, params, caller, false);
      return;
    }
    const { me } = await run<{ me: { email: string } | null }>(req, res, caller, PageWhoAmIDocument);
    sendPage(res, {
      title: `Allow ${found.name}?`,
      theme: checkTheme(found.theme),
      formTargets: formTargets(params),
      body: consentPage({
        params,
        application: found.name,
        description: found.description ?? undefined,
        scopes: found.requestedScopes,
        email: me?.email ?? '',
        csrf: csrfToken(req, res, cookieOptions),
      }),
    });
  }

  async function signedIn(
    req: Request,
    res: Response,
    params: FlowParams,
    tokens: { accessToken: string; expiresIn: number },
  ) {
    setPageCookie(res, SESSION_COOKIE, tokens.accessToken, { ...cookieOptions, maxAgeSeconds: tokens.expiresIn });
    const principal = await options.authenticateToken(tokens.accessToken);
    if (!principal) throw new AppError('INTERNAL', undefined, { cause: new Error('a fresh token did not verify') });
    await continueSignedIn(req, res, params, { principal, forward: `Bearer ${tokens.accessToken}` });
  }

  const handle =
    (work: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await work(req, res);
      } catch (error) {
        // Refused as the request's own fault (a NUL in a parameter, say): it cannot go on, but nothing failed.
        if (error instanceof AppError && error.status < 500) {
          if (!res.headersSent) refuse(res, 'Invalid request', startAgain, error.status === 422 ? 400 : error.status);
          return;
        }
        options.logger.error({ err: error }, 'authorization page failed');
        if (!res.headersSent) refuse(res, 'Something went wrong', 'Try again later.', 500);
      }
    };

  router.get(
    AUTHORIZE_PATH,
    handle(async (req, res) => {
      const params = flowParams(req.query);
      const caller = await session(req);
      if (caller) {
        await continueSignedIn(req, res, params, caller);
        return;
      }
      const found = await checkedPrompt(req, res, params, { principal: anonymous });
      if (found) showSignIn(req, res, params, found);
    }),
  );

  router.post(
    AUTHORIZE_PATH,
    express.urlencoded({ extended: false, limit: '16kb' }),
    handle(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const params = flowParams(body);
      if (!csrfAccepted(req, publicOrigin)) {
        refuse(
          res,
          'Form expired',
          'This form could not be verified. Go back to the application and start again.',
          403,
        );
        return;
      }
      const action = body['action'];
      if (action === 'sign_in' || action === 'mfa') {
        const found = await checkedPrompt(req, res, params, { principal: anonymous });
        if (!found) return;
        try {
          if (action === 'sign_in') {
            const { login } = await run<{ login: { accessToken: string; expiresIn: number } }>(
              req,
              res,
              { principal: anonymous },
              PageSignInDocument,
              { input: { email: field(body, 'email'), password: field(body, 'password') } },
            );
            await signedIn(req, res, params, login);
          } else {
            const { completeMfaSignIn } = await run<{ completeMfaSignIn: { accessToken: string; expiresIn: number } }>(
              req,
              res,
              { principal: anonymous },
              PageCompleteMfaDocument,
              { ticket: field(body, 'mfa_ticket'), code: field(body, 'code').replace(/[\s-]/g, '') },
            );
            await signedIn(req, res, params, completeMfaSignIn);
          }
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          const ticket = error.details['mfaTicket'];
          if (error.code === 'MFA_REQUIRED' && typeof ticket === 'string') {
            sendPage(res, {
              title: 'Two-step verification',
              theme: checkTheme(found.theme),
              formTargets: formTargets(params),
              body: mfaPage({ params, ticket, csrf: csrfToken(req, res, cookieOptions) }),
            });
          } else if (action === 'mfa' && error.code === 'OTP_INVALID') {
            sendPage(res, {
              title: 'Two-step verification',
              theme: checkTheme(found.theme),
              formTargets: formTargets(params),
              status: 401,
              body: mfaPage({
                params,
                ticket: field(body, 'mfa_ticket'),
                csrf: csrfToken(req, res, cookieOptions),
                error: signInProblem(error).message,
              }),
            });
          } else if (action === 'mfa' && error.code === 'INVALID_TOKEN') {
            showSignIn(req, res, params, found, { message: 'That took too long. Sign in again.', status: 401 });
          } else {
            showSignIn(req, res, params, found, signInProblem(error));
          }
        }
        return;
      }
      if (action === 'switch_account') {
        clearPageCookie(res, SESSION_COOKIE, cookieOptions);
        const found = await checkedPrompt(req, res, params, { principal: anonymous });
        if (found) showSignIn(req, res, params, found);
        return;
      }
      if (action === 'approve' || action === 'deny') {
        const caller = await session(req);
        if (!caller) {
          const found = await checkedPrompt(req, res, params, { principal: anonymous });
          if (found)
            showSignIn(req, res, params, found, { message: 'Your session ended. Sign in again.', status: 401 });
          return;
        }
        const found = await checkedPrompt(req, res, params, caller);
        if (found) await decide(req, res, params, caller, action === 'deny');
        return;
      }
      refuse(res, 'Unknown action', startAgain);
    }),
  );
  // A form the body parser refused (too large, another charset): a page for the browser, not JSON.
  const unreadableForm: ErrorRequestHandler = (error, _req, res, next) => {
    const refusal = clientRequestError(error);
    if (!refusal) {
      next(error);
      return;
    }
    refuse(res, 'Invalid request', startAgain, refusal.code === 'VALIDATION_FAILED' ? 400 : refusal.status);
  };
  router.use(AUTHORIZE_PATH, unreadableForm);
  return router;
}
