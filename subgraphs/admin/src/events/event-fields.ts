import type { RelayedEvent } from '../../../../lib/events/wire.js';

/** A non-empty string field of an event payload, else null. */
export function textField(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The application an event concerns, whatever the spelling of the subgraph that recorded it. */
export function applicationIdOf(event: RelayedEvent): string | null {
  return textField(event.payload['applicationId']) ?? textField(event.payload['application_id']);
}
