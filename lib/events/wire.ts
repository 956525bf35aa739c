import { z } from 'zod';
import { eventCatalog, type CatalogEvent } from './catalog.js';

/** One outbox event as the relay sends it to admin (`POST /events`). */
export const relayedEvent = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(100),
  occurredAt: z.iso.datetime({ offset: true }),
  tenantId: z.uuid().nullable(),
  actorUserId: z.uuid().nullable(),
  subjectUserId: z.uuid().nullable(),
  ipAddress: z.string().max(100).nullable(),
  userAgent: z.string().max(1000).nullable(),
  payload: z.record(z.string(), z.unknown()),
});
export type RelayedEvent = z.infer<typeof relayedEvent>;

export const relayBatch = z.object({
  /** The subgraph the events come from, for logs. */
  source: z.string().min(1).max(50),
  events: z.array(relayedEvent).max(1000),
});
export type RelayBatch = z.infer<typeof relayBatch>;

/**
 * Admin's answer to a batch. `refused`: events the event catalog does not declare (an unknown type,
 * a payload of another shape, say from a subgraph newer than admin); admin kept nothing of them, and
 * the relay keeps them in its outbox to offer again later.
 */
export const relayAnswer = z.object({
  received: z.number().int(),
  accepted: z.number().int(),
  refused: z.array(z.string()).optional(),
});
export type RelayAnswer = z.infer<typeof relayAnswer>;

/** A relayed event as the catalog declares it: typed, its payload parsed (undeclared fields dropped). */
export type AcceptedEvent = Omit<RelayedEvent, 'type' | 'payload'> & CatalogEvent;

/** Reads a relayed event with the event catalog (lib/events/catalog.ts). */
export function acceptRelayedEvent(
  event: RelayedEvent,
): { readonly event: AcceptedEvent } | { readonly issues: readonly z.core.$ZodIssue[] } {
  const read = eventCatalog.safeParse({ type: event.type, payload: event.payload });
  return read.success ? { event: { ...event, ...read.data } } : { issues: read.error.issues };
}
