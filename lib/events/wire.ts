import { z } from 'zod';

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
