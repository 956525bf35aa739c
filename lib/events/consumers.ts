import { subgraphNames, type SubgraphName } from '../config/env.js';
import type { EventType } from './catalog.js';

/**
 * Subgraphs that act on other subgraphs' events, besides admin (which takes every event): the types
 * each wants at its own `POST /events`. Declared here rather than by each subgraph, so a relay run
 * alone knows where to deliver without loading the other subgraphs' code.
 */
export const EVENT_CONSUMERS: Readonly<Partial<Record<SubgraphName, readonly EventType[]>>> = {
  // Each erases its part of a deleted account (the profile and picture; the grants).
  member: ['user.deleted'],
  catalog: ['user.deleted'],
};

/** A subgraph a relay delivers some event types to. */
export interface EventConsumer {
  readonly name: string;
  /** Its `POST /events` endpoint. */
  readonly target: URL;
  readonly types: readonly string[];
}

/** The consumers of events, at the URLs `urlOf` gives for their subgraphs. */
export function eventConsumers(urlOf: (name: SubgraphName) => string): EventConsumer[] {
  return subgraphNames.flatMap((name) => {
    const types = EVENT_CONSUMERS[name];
    return types ? [{ name, target: new URL('/events', urlOf(name)), types }] : [];
  });
}
