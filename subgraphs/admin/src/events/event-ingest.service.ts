import type { EntityManager } from '../../../../lib/db/orm.js';
import type { RelayedEvent } from '../../../../lib/events/wire.js';

/**
 * Runs in the ingest transaction with the events seen for the first time (webhook deliveries are
 * created here, so an event is audited and scheduled for delivery together or not at all).
 */
export type FreshEventsListener = (tx: EntityManager, events: readonly RelayedEvent[]) => Promise<void>;

const utcDay = (iso: string) => iso.slice(0, 10);

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The application an event concerns, whatever the spelling of the subgraph that recorded it. */
export function applicationIdOf(event: RelayedEvent): string | null {
  return text(event.payload['applicationId']) ?? text(event.payload['application_id']);
}

/**
 * Accepts relayed events into the audit log, the statistics tallies and the listeners, each event id
 * once: the audit insert (`ON CONFLICT DO NOTHING ... RETURNING`) decides which events are new, and
 * only those reach the tallies and listeners, all in one transaction.
 */
export class EventIngestService {
  private readonly listeners: FreshEventsListener[] = [];

  onFreshEvents(listener: FreshEventsListener): void {
    this.listeners.push(listener);
  }

  async ingest(em: EntityManager, source: string, events: readonly RelayedEvent[]): Promise<number> {
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
        data: event.payload,
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
        await this.tally(tx, schema, freshEvents);
        for (const listener of this.listeners) await listener(tx, freshEvents);
      }
      return freshEvents.length;
    });
  }

  /** Statistics tallies: a few upserts per batch, whatever its size. */
  private async tally(tx: EntityManager, schema: string, events: readonly RelayedEvent[]): Promise<void> {
    const of = (type: string) => events.filter((event) => event.type === type);
    const created = of('user.created').filter((e) => e.subjectUserId);
    if (created.length > 0) {
      await tx.execute(
        `insert into "${schema}"."user_census" (user_id, tenant_id, created_at)
         select x.user_id, x.tenant_id, x.created_at
         from jsonb_to_recordset(cast(? as jsonb)) as x(user_id uuid, tenant_id uuid, created_at timestamptz)
         on conflict (user_id) do nothing`,
        [
          JSON.stringify(
            created.map((e) => ({ user_id: e.subjectUserId, tenant_id: e.tenantId, created_at: e.occurredAt })),
          ),
        ],
      );
    }
    for (const moved of of('user.tenant_changed')) {
      await tx.execute(`update "${schema}"."user_census" set tenant_id = ? where user_id = ?`, [
        text(moved.payload['to']),
        moved.subjectUserId,
      ]);
    }
    for (const deleted of of('user.deleted')) {
      await tx.execute(`update "${schema}"."user_census" set deleted_at = ? where user_id = ?`, [
        deleted.occurredAt,
        deleted.subjectUserId,
      ]);
    }
    await this.tallyApplications(tx, schema, events);

    const logins = of('user.login').filter((e) => e.subjectUserId && e.tenantId);
    if (logins.length === 0) return;
    await tx.execute(
      `insert into "${schema}"."daily_active_user" (day, user_id, tenant_id)
       select distinct x.day, x.user_id, x.tenant_id
       from jsonb_to_recordset(cast(? as jsonb)) as x(day date, user_id uuid, tenant_id uuid)
       on conflict (day, user_id) do nothing`,
      [
        JSON.stringify(
          logins.map((e) => ({ day: utcDay(e.occurredAt), user_id: e.subjectUserId, tenant_id: e.tenantId })),
        ),
      ],
    );
    const counts = new Map<string, { day: string; tenant_id: string; application_id: string; count: number }>();
    for (const login of logins) {
      const key = [utcDay(login.occurredAt), login.tenantId, applicationIdOf(login) ?? ''].join('|');
      const entry = counts.get(key) ?? {
        day: utcDay(login.occurredAt),
        tenant_id: login.tenantId ?? '',
        application_id: applicationIdOf(login) ?? '',
        count: 0,
      };
      entry.count += 1;
      counts.set(key, entry);
    }
    await tx.execute(
      `insert into "${schema}"."daily_authentication" (day, tenant_id, application_id, count)
       select x.day, x.tenant_id, x.application_id, x.count
       from jsonb_to_recordset(cast(? as jsonb)) as x(day date, tenant_id text, application_id text, count int)
       on conflict (day, tenant_id, application_id)
       do update set count = "${schema}"."daily_authentication".count + excluded.count`,
      [JSON.stringify([...counts.values()])],
    );
  }

  private async tallyApplications(tx: EntityManager, schema: string, events: readonly RelayedEvent[]) {
    for (const event of events) {
      const applicationId = applicationIdOf(event);
      if (!applicationId) continue;
      const name = text(event.payload['name']);
      if (event.type === 'application.created') {
        await tx.execute(
          `insert into "${schema}"."application_census" (application_id, tenant_id, name, created_at)
           values (?, ?, ?, ?) on conflict (application_id) do nothing`,
          [applicationId, event.tenantId, name, event.occurredAt],
        );
      } else if (event.type === 'application.updated' && name) {
        await tx.execute(`update "${schema}"."application_census" set name = ? where application_id = ?`, [
          name,
          applicationId,
        ]);
      } else if (event.type === 'application.deleted') {
        await tx.execute(`update "${schema}"."application_census" set deleted_at = ? where application_id = ?`, [
          event.occurredAt,
          applicationId,
        ]);
      }
    }
  }
}
