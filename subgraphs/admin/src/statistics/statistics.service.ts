import type { Principal } from '../../../../lib/auth/principal.js';
import type { EntityManager } from '../../../../lib/db/orm.js';
import { AppError } from '../../../../lib/errors/index.js';

export interface ApplicationUsage {
  readonly applicationId: string;
  readonly name: string | null;
  readonly authentications: number;
}

export interface Statistics {
  /** The UTC day "today" refers to, YYYY-MM-DD. */
  readonly day: string;
  readonly totalUsers: number;
  readonly activeUsersToday: number;
  readonly totalApplications: number;
  readonly totalAuthenticationsToday: number;
  readonly topApplications: readonly ApplicationUsage[];
}

export const TOP_APPLICATIONS = 5;

export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * The two statements behind the figures, for one tenant or (tenant null) for all. The tenant is a
 * condition only when there is one, compared with the column as it is, so that each scope gets a plan
 * that uses the indexes (a `? is null or col::text = ?` shape hides them from the planner).
 *
 * `authentications` counts credential sign-ins (user.login without an application: the API's login
 * and the hosted page's). An application's code exchange is counted for that application (top
 * applications) and not again in the total: one OAuth sign-in through the hosted page is one
 * authentication, and an application entered on a session already signed in is none.
 */
export function statisticsStatements(schema: string, tenantId: string | null, day: string): [Statement, Statement] {
  const t = (name: string) => `"${schema}"."${name}"`;
  const scoped = (column: string) => (tenantId === null ? '' : ` and ${column} = ?`);
  const tenant = tenantId === null ? [] : [tenantId];
  const figures: Statement = {
    sql: `select
       (select coalesce(sum(users), 0) from ${t('tenant_tally')} where true${scoped('tenant_key')}) as users,
       (select coalesce(sum(applications), 0) from ${t('tenant_tally')} where true${scoped('tenant_key')}) as applications,
       (select count(*) from ${t('daily_active_user')} where day = ?${scoped('tenant_id')}) as active,
       (select coalesce(sum(count), 0) from ${t('daily_authentication')}
        where day = ?${scoped('tenant_id')} and application_id = '') as authentications`,
    params: [...tenant, ...tenant, day, ...tenant, day, ...tenant],
  };
  const top: Statement = {
    sql: `select a.application_id, c.name, sum(a.count) as authentications
     from ${t('daily_authentication')} a
     left join ${t('application_census')} c on c.application_id = a.application_id
     where a.day = ?${scoped('a.tenant_id')} and a.application_id <> ''
     group by a.application_id, c.name
     order by authentications desc, a.application_id
     limit ?`,
    params: [day, ...tenant, TOP_APPLICATIONS],
  };
  return [figures, top];
}

/**
 * Reads the running tallies the ingest keeps (statistics.entities.ts): one row per tenant for the
 * totals and today's rows for the daily figures, never the census or the event history. A group
 * admin gets its own tenant's figures.
 */
export async function readStatistics(em: EntityManager, principal: Principal, now = new Date()): Promise<Statistics> {
  if (principal.kind !== 'user' || (principal.role !== 'SYSTEM_ADMIN' && principal.role !== 'GROUP_ADMIN'))
    throw new AppError('FORBIDDEN');
  const day = now.toISOString().slice(0, 10);
  const tenant = principal.role === 'GROUP_ADMIN' ? principal.tenantId : null;
  const [figures, topStatement] = statisticsStatements(String(em.config.get('schema')), tenant, day);
  const [row] = await em.execute<{ users: string; active: string; applications: string; authentications: string }[]>(
    figures.sql,
    [...figures.params],
  );
  const top = await em.execute<{ application_id: string; name: string | null; authentications: string }[]>(
    topStatement.sql,
    [...topStatement.params],
  );
  return {
    day,
    totalUsers: Number(row?.users ?? 0),
    activeUsersToday: Number(row?.active ?? 0),
    totalApplications: Number(row?.applications ?? 0),
    totalAuthenticationsToday: Number(row?.authentications ?? 0),
    topApplications: top.map((t) => ({
      applicationId: t.application_id,
      name: t.name,
      authentications: Number(t.authentications),
    })),
  };
}
