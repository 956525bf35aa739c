import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { AUDIT_LOG_PAGE_MAX, searchAuditLog } from './audit-log.service.js';
import { AuditEntryType, AuditLogFilterInput, AuditLogPageType } from './audit.types.js';

@Resolver()
export class AuditLogResolver {
  @Query(() => AuditLogPageType, {
    description: `The audit log, newest first (group admins: their tenant only); at most ${AUDIT_LOG_PAGE_MAX} per page`,
  })
  async auditLogs(
    @Ctx() context: SubgraphContext,
    @Arg('filter', () => AuditLogFilterInput, { nullable: true }) filter: AuditLogFilterInput | null,
    @Arg('page', () => Int, { defaultValue: 1 }) page: number,
    @Arg('limit', () => Int, { defaultValue: 20 }) limit: number,
  ): Promise<AuditLogPageType> {
    const result = await searchAuditLog(context.em, context.principal, filter ?? {}, page, limit);
    return Object.assign(new AuditLogPageType(), { ...result, items: result.items.map((e) => AuditEntryType.from(e)) });
  }
}
