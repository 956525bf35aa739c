import type { RequestOrigin } from '../../../../lib/http/origin.js';
import { signedInUser, type SubgraphContext } from '../../../../lib/graphql/context.js';

/** The member whose own profile a change is to, and where the request came from. */
export interface ProfileOwner {
  readonly userId: string;
  readonly tenantId: string;
  /** Where the request came from, for the audit trail. */
  readonly origin?: RequestOrigin;
}

/**
 * The signed-in member a self-service mutation acts for, and where the request came from (for the
 * audit trail). Shield (`signedIn`) has already refused everyone else; this narrows the type.
 */
export function profileOwner(context: SubgraphContext): ProfileOwner & { readonly origin: RequestOrigin } {
  const { userId, tenantId } = signedInUser(context);
  return { userId, tenantId, origin: context.origin };
}
