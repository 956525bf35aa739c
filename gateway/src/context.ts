import type { Principal } from '../../lib/auth/principal.js';
import type { RequestOrigin } from '../../lib/http/origin.js';
import type { Logger } from '../../lib/logging/logger.js';

/** Per-request gateway context: who is calling and what to forward to subgraphs. */
export interface GatewayContext {
  readonly principal: Principal;
  readonly requestId: string;
  /** The caller's credential, forwarded verbatim; subgraphs verify it themselves. */
  readonly authorization: string | undefined;
  readonly origin: RequestOrigin;
  readonly logger: Logger;
}
