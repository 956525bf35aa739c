import type { AcceptedEvent } from '../../../../lib/events/wire.js';

/** A non-empty string field of an event payload, else null. */
export function textField(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The events of the given types, in their order, typed by the event catalog. */
export function eventsOfType<T extends AcceptedEvent['type']>(
  events: readonly AcceptedEvent[],
  ...types: readonly T[]
): Extract<AcceptedEvent, { type: T }>[] {
  return events.filter((event): event is Extract<AcceptedEvent, { type: T }> => types.some((t) => t === event.type));
}

/** The application an event concerns: the `applicationId` of the types whose payload declares one. */
export function applicationIdOf(event: AcceptedEvent): string | null {
  return 'applicationId' in event.payload ? textField(event.payload.applicationId) : null;
}
