import type { RequestOrigin } from '../../../../lib/events/record.js';
import { signedInUser, type SubgraphContext } from '../../../../lib/graphql/context.js';
import type { ProfileOwner } from './profile.service.js';

/**
 * The signed-in member a self-service mutation acts for, and where the request came from (for the
 * audit trail). Shield (`signedIn`) has already refused everyone else; this narrows the type.
 */
export function profileOwner(context: SubgraphContext): ProfileOwner & { readonly origin: RequestOrigin } {
  const { userId, tenantId } = signedInUser(context);
  return { userId, tenantId, origin: context.origin };
}
