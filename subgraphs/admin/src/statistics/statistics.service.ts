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

/**
 * Reads the running tallies the ingest keeps (statistics.entities.ts): a few indexed lookups, never
 * a scan of the event history. A group admin gets its own tenant's figures.
 */
export async function readStatistics(em: EntityManager, principal: Principal, now = new Date()): Promise<Statistics> {
  if (principal.kind !== 'user' || (principal.role !== 'SYSTEM_ADMIN' && principal.role !== 'GROUP_ADMIN'))
    throw new AppError('FORBIDDEN');
  const schema = String(em.config.get('schema'));
  const day = now.toISOString().slice(0, 10);
  const tenant = principal.role === 'GROUP_ADMIN' ? principal.tenantId : null;
  // `? is null or tenant_id = ?`: one statement shape for both scopes.
  const scope = (column = 'tenant_id') => `(cast(? as text) is null or ${column}::text = ?)`;
  const [row] = await em.execute<
    { users: string; active: string; applications: string; authentications: string | null }[]
  >(
    `select
       (select count(*) from "${schema}"."user_census" where deleted_at is null and ${scope()}) as users,
       (select count(*) from "${schema}"."daily_active_user" where day = ? and ${scope()}) as active,
       (select count(*) from "${schema}"."application_census" where deleted_at is null and ${scope()}) as applications,
       (select sum(count) from "${schema}"."daily_authentication" where day = ? and ${scope()}) as authentications`,
    [tenant, tenant, day, tenant, tenant, tenant, tenant, day, tenant, tenant],
  );
  const top = await em.execute<{ application_id: string; name: string | null; authentications: string }[]>(
    `select a.application_id, c.name, sum(a.count) as authentications
     from "${schema}"."daily_authentication" a
     left join "${schema}"."application_census" c on c.application_id = a.application_id
     where a.day = ? and a.application_id <> '' and ${scope('a.tenant_id')}
     group by a.application_id, c.name
     order by authentications desc, a.application_id
     limit ?`,
    [day, tenant, tenant, TOP_APPLICATIONS],
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
