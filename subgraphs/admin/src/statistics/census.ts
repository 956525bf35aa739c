import type { EntityManager } from '../../../../lib/db/orm.js';
import type { AcceptedEvent } from '../../../../lib/events/wire.js';
import { eventsOfType, textField } from '../events/event-fields.js';

/** The tenant_tally key of a tenant: '' stands for "no tenant". */
const tenantKey = (tenantId: string | null | undefined) => tenantId ?? '';

/** Changes to the per-tenant tallies collected over one batch, written by one statement. */
class TallyChanges {
  private readonly byTenant = new Map<string, { users: number; applications: number }>();

  add(tenantId: string | null | undefined, change: { users?: number; applications?: number }): void {
    const key = tenantKey(tenantId);
    const entry = this.byTenant.get(key) ?? { users: 0, applications: 0 };
    entry.users += change.users ?? 0;
    entry.applications += change.applications ?? 0;
    this.byTenant.set(key, entry);
  }

  /** Sorted by tenant, so concurrent ingests lock tally rows in one order (no deadlock). */
  rows() {
    return [...this.byTenant]
      .filter(([, c]) => c.users !== 0 || c.applications !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([tenant_key, c]) => ({ tenant_key, ...c }));
  }
}

/**
 * Keeps the account and application census, and the per-tenant tallies the statistics read, in the
 * ingest transaction. Each tally change follows a census row that actually changed (the statements
 * return what they changed), so an event relayed twice, or a deletion of an unknown account, moves
 * nothing, and a tally always equals its census count.
 */
export async function updateCensus(tx: EntityManager, schema: string, events: readonly AcceptedEvent[]): Promise<void> {
  const table = (name: string) => `"${schema}"."${name}"`;
  const changes = new TallyChanges();

  const created = eventsOfType(events, 'user.created').filter((e) => e.subjectUserId);
  if (created.length > 0) {
    const added = await tx.execute<{ tenant_id: string | null }[]>(
      `insert into ${table('user_census')} (user_id, tenant_id, created_at)
       select x.user_id, x.tenant_id, x.created_at
       from jsonb_to_recordset(cast(? as jsonb)) as x(user_id uuid, tenant_id uuid, created_at timestamptz)
       on conflict (user_id) do nothing
       returning tenant_id`,
      [
        JSON.stringify(
          created.map((e) => ({ user_id: e.subjectUserId, tenant_id: e.tenantId, created_at: e.occurredAt })),
        ),
      ],
    );
    for (const row of added) changes.add(row.tenant_id, { users: 1 });
  }
  for (const moved of eventsOfType(events, 'user.tenant_changed')) {
    const to = textField(moved.payload.to) ?? moved.tenantId;
    if (!moved.subjectUserId || !to) continue;
    // The row lock makes `previous` the version this update replaces, even under a concurrent move.
    const [row] = await tx.execute<{ from_tenant: string | null; deleted_at: string | null }[]>(
      `with previous as (select user_id, tenant_id from ${table('user_census')} where user_id = ? for update)
       update ${table('user_census')} c set tenant_id = ? from previous
       where c.user_id = previous.user_id and c.tenant_id is distinct from ?
       returning previous.tenant_id as from_tenant, c.deleted_at`,
      [moved.subjectUserId, to, to],
    );
    if (row && row.deleted_at === null) {
      changes.add(row.from_tenant, { users: -1 });
      changes.add(to, { users: 1 });
    }
  }
  for (const deleted of eventsOfType(events, 'user.deleted')) {
    if (!deleted.subjectUserId) continue;
    const [row] = await tx.execute<{ tenant_id: string | null }[]>(
      `update ${table('user_census')} set deleted_at = ? where user_id = ? and deleted_at is null returning tenant_id`,
      [deleted.occurredAt, deleted.subjectUserId],
    );
    if (row) changes.add(row.tenant_id, { users: -1 });
  }
  await updateApplications(tx, table, events, changes);

  const rows = changes.rows();
  if (rows.length === 0) return;
  await tx.execute(
    `insert into ${table('tenant_tally')} (tenant_key, users, applications)
     select x.tenant_key, x.users, x.applications
     from jsonb_to_recordset(cast(? as jsonb)) as x(tenant_key text, users int, applications int)
     order by x.tenant_key
     on conflict (tenant_key) do update set
       users = ${table('tenant_tally')}.users + excluded.users,
       applications = ${table('tenant_tally')}.applications + excluded.applications`,
    [JSON.stringify(rows)],
  );
}

async function updateApplications(
  tx: EntityManager,
  table: (name: string) => string,
  events: readonly AcceptedEvent[],
  changes: TallyChanges,
): Promise<void> {
  for (const event of eventsOfType(events, 'application.created', 'application.updated', 'application.deleted')) {
    const applicationId = textField(event.payload.applicationId);
    if (!applicationId) continue;
    const name = textField(event.payload.name);
    if (event.type === 'application.created') {
      const [added] = await tx.execute<{ tenant_id: string | null }[]>(
        `insert into ${table('application_census')} (application_id, tenant_id, name, created_at)
         values (?, ?, ?, ?) on conflict (application_id) do nothing returning tenant_id`,
        [applicationId, event.tenantId, name, event.occurredAt],
      );
      if (added) changes.add(added.tenant_id, { applications: 1 });
    } else if (event.type === 'application.updated' && name) {
      await tx.execute(`update ${table('application_census')} set name = ? where application_id = ?`, [
        name,
        applicationId,
      ]);
    } else if (event.type === 'application.deleted') {
      const [removed] = await tx.execute<{ tenant_id: string | null }[]>(
        `update ${table('application_census')} set deleted_at = ?
         where application_id = ? and deleted_at is null returning tenant_id`,
        [event.occurredAt, applicationId],
      );
      if (removed) changes.add(removed.tenant_id, { applications: -1 });
    }
  }
}
