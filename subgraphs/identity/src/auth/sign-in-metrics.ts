import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import type { ServiceMetrics } from '../../../../lib/observability/metrics.js';
import { AuthService, type IssuedTokens, type LoginRequest } from './auth.service.js';

export type SignInOutcome = 'success' | 'failure' | 'throttled' | 'mfa_required';

/**
 * How a sign-in ended, from what it threw (nothing: success). The account throttle is `throttled`,
 * a right password awaiting its second factor `mfa_required`, any other refusal `failure`; an error
 * of ours (5xx) says nothing about the sign-in and is not counted.
 */
export function signInOutcome(error?: unknown): SignInOutcome | undefined {
  if (error === undefined) return 'success';
  if (!(error instanceof AppError) || error.status >= 500) return undefined;
  if (error.code === 'RATE_LIMITED') return 'throttled';
  if (error.code === 'MFA_REQUIRED') return 'mfa_required';
  return 'failure';
}

/**
 * AuthService counting every sign-in step (password, then the second factor) into
 * `membergraph_sign_ins_total`: GraphQL, the REST layer and the hosted pages all sign in through it.
 */
export class MeasuredAuthService extends AuthService {
  private readonly metrics: ServiceMetrics;

  constructor(metrics: ServiceMetrics, ...rest: ConstructorParameters<typeof AuthService>) {
    super(...rest);
    this.metrics = metrics;
  }

  override login(em: EntityManager, request: LoginRequest, origin: RequestOrigin): Promise<IssuedTokens> {
    return this.counted(super.login(em, request, origin));
  }

  override completeMfaSignIn(
    em: EntityManager,
    ticket: string,
    code: string,
    origin: RequestOrigin,
  ): Promise<IssuedTokens> {
    return this.counted(super.completeMfaSignIn(em, ticket, code, origin));
  }

  private async counted(signIn: Promise<IssuedTokens>): Promise<IssuedTokens> {
    let outcome: SignInOutcome | undefined;
    try {
      const tokens = await signIn;
      outcome = 'success';
      return tokens;
    } catch (error) {
      outcome = signInOutcome(error);
      throw error;
    } finally {
      if (outcome) this.metrics.families.signIns.inc({ service: this.metrics.service, outcome });
    }
  }
}
