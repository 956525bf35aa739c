import type { EntityManager } from '../../../../lib/db/orm.js';
import type { AcceptedEvent } from '../../../../lib/events/wire.js';
import { eventsOfType, textField } from '../events/event-fields.js';

const utcDay = (iso: string) => iso.slice(0, 10);

/**
 * Today's sign-in tallies from user.login events: the distinct users (daily_active_user) and the
 * count per day, tenant and application (daily_authentication). A user.login without an application
 * is a credential sign-in (the API's login or the hosted page's); one with an application is that
 * application's code exchange. Both are kept apart here; statistics.service.ts says which it counts.
 */
export async function tallySignIns(tx: EntityManager, schema: string, events: readonly AcceptedEvent[]): Promise<void> {
  const logins = eventsOfType(events, 'user.login').filter((e) => e.subjectUserId && e.tenantId);
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
    const row = {
      day: utcDay(login.occurredAt),
      tenant_id: login.tenantId ?? '',
      application_id: textField(login.payload.applicationId) ?? '',
    };
    const key = [row.day, row.tenant_id, row.application_id].join('|');
    const entry = counts.get(key) ?? { ...row, count: 0 };
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
