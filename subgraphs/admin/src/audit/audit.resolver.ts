import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { AppError } from '../../../../lib/errors/index.js';
import { groupByKey, requestLoader, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { verifiedUserReference } from '../../../../lib/graphql/user-reference.js';
import { placeholders, timestamp } from '../../../../lib/db/rows.js';
import { AdminUser, AUDIT_TRAIL_MAX, AuditEntryType, type AuditEntryColumns } from './audit.types.js';

interface AuditEntryRow {
  readonly id: string;
  readonly occurred_at: string | Date;
  readonly action: string;
  readonly actor_user_id: string | null;
  readonly subject_user_id: string | null;
  readonly tenant_id: string | null;
  readonly application_id: string | null;
  /** jsonb: the driver parses it. */
  readonly data: Record<string, unknown>;
  readonly ip_address: string | null;
  readonly user_agent: string | null;
}

@Resolver(() => AdminUser)
export class AdminUserResolver {
  @FieldResolver(() => [AuditEntryType], {
    description: `Latest audit entries about this user, newest first (at most ${AUDIT_TRAIL_MAX})`,
  })
  @Directive('@requires(fields: "accessFacts")')
  async auditTrail(
    @Root() user: AdminUser,
    @Ctx() context: SubgraphContext,
    @Arg('limit', () => Int, { defaultValue: 20 }) limit: number,
  ): Promise<AuditEntryType[]> {
    if (limit < 1 || limit > AUDIT_TRAIL_MAX) {
      throw new AppError('VALIDATION_FAILED', `limit must be between 1 and ${AUDIT_TRAIL_MAX}`);
    }
    // One statement for every user in the request: the newest `limit` rows per user by window function.
    // Rows, not entities (lib/db/rows.ts): this is on the path of every federated request that asks.
    const rows = await requestLoader<string, AuditEntryColumns[]>(context, `admin.auditTrail:${limit}`, async (ids) => {
      const { rows: reader } = context;
      const found = await reader.select<AuditEntryRow>(
        `select id, occurred_at, action, actor_user_id, subject_user_id, tenant_id, application_id, data,
                ip_address, user_agent
         from (
           select e.*, row_number() over (partition by e.subject_user_id order by e.occurred_at desc) as rank
           from "${reader.schema}"."audit_entry" e where e.subject_user_id in (${placeholders(ids.length)})
         ) ranked where ranked.rank <= ? order by ranked.occurred_at desc`,
        [...ids, limit],
      );
      const entries = found.map((row) => ({
        id: row.id,
        occurredAt: timestamp(reader, row.occurred_at),
        action: row.action,
        actorUserId: row.actor_user_id,
        subjectUserId: row.subject_user_id,
        tenantId: row.tenant_id,
        applicationId: row.application_id,
        data: row.data,
        ipAddress: row.ip_address,
        userAgent: row.user_agent,
      }));
      return groupByKey(ids, entries, (e) => e.subjectUserId ?? '');
    }).load(user.id);
    return rows.map((row) => AuditEntryType.from(row));
  }
}

export const adminReferenceResolvers = {
  User: {
    // Only the key and identity's sealed facts are believed; field rules guard what is read.
    __resolveReference: (representation: { id?: unknown; accessFacts?: unknown }, context: SubgraphContext) => {
      const user = verifiedUserReference(representation, context);
      return user && Object.assign(new AdminUser(), user);
    },
  },
};
