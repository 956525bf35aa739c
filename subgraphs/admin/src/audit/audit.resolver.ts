import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { AppError } from '../../../../lib/errors/index.js';
import { groupByKey, requestLoader, type SubgraphContext } from '../../../../lib/graphql/context.js';
import { verifiedUserReference } from '../../../../lib/graphql/user-reference.js';
import { AuditEntry } from './audit-entry.entity.js';
import { AdminUser, AUDIT_TRAIL_MAX, AuditEntryType } from './audit.types.js';

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
    const rows = await requestLoader<string, AuditEntry[]>(context, `admin.auditTrail:${limit}`, async (ids) => {
      const schema = context.em.config.get('schema');
      const found = await context.em.execute<Record<string, unknown>[]>(
        `select * from (
           select e.*, row_number() over (partition by e.subject_user_id order by e.occurred_at desc) as rank
           from "${schema}"."audit_entry" e where e.subject_user_id in (${ids.map(() => '?').join(', ')})
         ) ranked where ranked.rank <= ? order by ranked.occurred_at desc`,
        [...ids, limit],
      );
      const entries = found.map(({ rank: _rank, ...row }) => context.em.map(AuditEntry, row));
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
