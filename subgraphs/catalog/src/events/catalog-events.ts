import type { Principal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { isUuid } from '../../../../lib/db/uuid.js';
import type { EventPayload, EventType } from '../../../../lib/events/catalog.js';
import { recordEvent } from '../../../../lib/events/record.js';
import type { RequestOrigin } from '../../../../lib/http/origin.js';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';

/** Who changes the catalog, and from where: what every catalog event records of its cause. */
export interface CatalogActor {
  readonly principal: Principal;
  readonly origin?: RequestOrigin;
}

export const actorOf = (context: SubgraphContext): CatalogActor => ({
  principal: context.principal,
  origin: context.origin,
});

/** The event types whose payload declares `actorClientId` (an empty payload's keys are any string: excluded). */
type ClientActedType = {
  [T in EventType]: string extends keyof EventPayload<T>
    ? never
    : 'actorClientId' extends keyof EventPayload<T>
      ? T
      : never;
}[EventType];

/**
 * Adds a catalog event to the unit of work of `em`, to be written with the change in its
 * transaction. A user acts as `actorUserId`; an API client (a service principal, which has no user)
 * is named in the payload as `actorClientId`. Catalog items belong to no tenant, so the audit log
 * shows these events to system admins only.
 */
export function recordCatalogEvent<T extends ClientActedType>(
  em: EntityManager,
  actor: CatalogActor,
  type: T,
  payload: EventPayload<T>,
  /** The subject of a grant: identity's user id when the sub is one (no external IdP). */
  subjectSub?: string,
): void {
  const { principal } = actor;
  recordEvent(em, {
    type,
    actorUserId: principal.kind === 'user' ? principal.userId : null,
    subjectUserId: subjectSub !== undefined && isUuid(subjectSub) ? subjectSub : null,
    ...(actor.origin ? { origin: actor.origin } : {}),
    payload: principal.kind === 'service' ? { ...payload, actorClientId: principal.clientId } : payload,
  });
}
