import type { z } from 'zod';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { publicPayload } from '../../../../lib/events/catalog.js';
import { acceptRelayedEvent, type AcceptedEvent, type RelayedEvent } from '../../../../lib/events/wire.js';
import { updateCensus } from '../statistics/census.js';
import { tallySignIns } from '../statistics/sign-ins.js';
import { applicationIdOf } from './event-fields.js';

/**
 * Runs in the ingest transaction with the events seen for the first time (webhook deliveries are
 * created here, so an event is audited and scheduled for delivery together or not at all).
 */
export type FreshEventsListener = (tx: EntityManager, events: readonly AcceptedEvent[]) => Promise<void>;

/** A relayed event the event catalog does not declare, and why. */
export interface RefusedEvent {
  readonly id: string;
  readonly type: string;
  readonly issues: readonly z.core.$ZodIssue[];
}

/**
 * Accepts relayed events into the audit log, the statistics tallies and the listeners, each event id
 * once: the audit insert (`ON CONFLICT DO NOTHING ... RETURNING`) decides which events are new, and
 * only those reach the tallies and listeners, all in one transaction. Each event is first read with
 * the event catalog: one it does not declare is refused (nothing of it is kept; the relay keeps it),
 * and the payload of the others is what the catalog declares, its personal fields left out here.
 */
export class EventIngestService {
  private readonly listeners: FreshEventsListener[] = [];

  onFreshEvents(listener: FreshEventsListener): void {
    this.listeners.push(listener);
  }

  /** Returns how many events were new. */
  async ingest(em: EntityManager, source: string, events: readonly RelayedEvent[]): Promise<number> {
    return (await this.receive(em, source, events)).accepted;
  }

  /** As ingest, and also says which events the catalog refused. */
  async receive(
    em: EntityManager,
    source: string,
    relayed: readonly RelayedEvent[],
  ): Promise<{ accepted: number; refused: RefusedEvent[] }> {
    const events: AcceptedEvent[] = [];
    const refused: RefusedEvent[] = [];
    for (const event of relayed) {
      const read = acceptRelayedEvent(event);
      if ('event' in read) events.push(read.event);
      else refused.push({ id: event.id, type: event.type, issues: read.issues });
    }
    return { accepted: await this.store(em, source, events), refused };
  }

  private async store(em: EntityManager, source: string, events: readonly AcceptedEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return em.transactional(async (tx) => {
      const schema = String(tx.config.get('schema'));
      const rows = events.map((event) => ({
        id: event.id,
        occurred_at: event.occurredAt,
        action: event.type,
        actor_user_id: event.actorUserId,
        subject_user_id: event.subjectUserId,
        tenant_id: event.tenantId,
        ip_address: event.ipAddress,
        user_agent: event.userAgent,
        data: publicPayload(event),
        application_id: applicationIdOf(event),
        source,
      }));
      const inserted = await tx.execute<{ id: string }[]>(
        `insert into "${schema}"."audit_entry"
           (id, occurred_at, action, actor_user_id, subject_user_id, tenant_id, ip_address, user_agent, data,
            application_id, source)
         select x.id, x.occurred_at, x.action, x.actor_user_id, x.subject_user_id, x.tenant_id, x.ip_address,
                x.user_agent, coalesce(x.data, '{}'::jsonb), x.application_id, x.source
         from jsonb_to_recordset(cast(? as jsonb)) as x(
           id uuid, occurred_at timestamptz, action text, actor_user_id uuid, subject_user_id uuid, tenant_id uuid,
           ip_address text, user_agent text, data jsonb, application_id text, source text)
         on conflict (id) do nothing
         returning id`,
        [JSON.stringify(rows)],
      );
      const fresh = new Set(inserted.map((row) => row.id));
      const freshEvents = events.filter((event) => fresh.has(event.id));
      if (freshEvents.length > 0) {
        // Statistics tallies: a few statements per batch, whatever its size.
        await updateCensus(tx, schema, freshEvents);
        await tallySignIns(tx, schema, freshEvents);
        for (const listener of this.listeners) await listener(tx, freshEvents);
      }
      return freshEvents.length;
    });
  }
}
