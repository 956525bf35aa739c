import { EVENT_TYPES, type EventType } from '../../../../lib/events/catalog.js';

/**
 * The event types an endpoint may subscribe to: every type of the event catalog
 * (lib/events/catalog.ts), seed 004's first.
 */
export const WEBHOOK_EVENT_TYPES: readonly EventType[] = EVENT_TYPES;

/** Subscribes to every type, present and future. */
export const ALL_EVENTS = '*';

const known: ReadonlySet<string> = new Set<string>([...WEBHOOK_EVENT_TYPES, ALL_EVENTS]);

export function isSubscribableEvent(type: string): boolean {
  return known.has(type);
}

export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}
