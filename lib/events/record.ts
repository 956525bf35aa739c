import type { EntityManager } from '../db/orm.js';
import type { RequestOrigin } from '../http/origin.js';
import type { EventPayload, EventType } from './catalog.js';
import { OutboxEvent } from './outbox-event.entity.js';

/** What every event records besides its type and payload (the outbox row's columns). */
interface EventEnvelope {
  readonly tenantId?: string | null;
  readonly actorUserId?: string | null;
  readonly subjectUserId?: string | null;
  readonly origin?: RequestOrigin;
}

/** The fields of P that the catalog declares required. */
type RequiredKey<P> = { [K in keyof P]-?: Record<never, never> extends Pick<P, K> ? never : K }[keyof P];

/** A payload may be left out only where the catalog declares no field of it required. */
type PayloadField<T extends EventType> = [RequiredKey<EventPayload<T>>] extends [never]
  ? { readonly payload?: EventPayload<T> }
  : { readonly payload: EventPayload<T> };

/** An event of type T as a subgraph records it: its payload is the one lib/events/catalog.ts declares. */
export type EventRecordOf<T extends EventType> = EventEnvelope & { readonly type: T } & PayloadField<T>;

/** Any event a subgraph may record. */
export type EventRecord = { [T in EventType]: EventRecordOf<T> }[EventType];

/**
 * Adds an event to the unit of work of `em`: it is written by the same flush, inside the same
 * transaction, as the change it describes. Typed by the event catalog: an unknown type, or a payload
 * the catalog does not declare for the type, does not compile.
 */
export function recordEvent<T extends EventType>(em: EntityManager, event: EventRecordOf<T>): OutboxEvent {
  const row = em.create(OutboxEvent, {
    type: event.type,
    tenantId: event.tenantId ?? null,
    actorUserId: event.actorUserId ?? null,
    subjectUserId: event.subjectUserId ?? null,
    ipAddress: event.origin?.ipAddress ?? null,
    userAgent: event.origin?.userAgent ?? null,
    payload: event.payload ?? {},
  });
  em.persist(row);
  return row;
}
