import type { Request } from 'express';
import type { Principal } from '../../../lib/auth/principal.js';

/** Who the caller is, and the credential that tells the subgraphs so (absent for anonymous). */
export interface Authenticated {
  readonly principal: Principal;
  readonly forward?: string | undefined;
  /** The caller's own limits on paths (API clients' allowed paths): throws when `path` is not allowed. */
  readonly authorizePath?: (path: string) => void;
}

/** Establishes the caller of a request by one scheme (bearer token, API client keys…), or throws. */
export type Authenticator = (req: Request) => Promise<Authenticated>;
