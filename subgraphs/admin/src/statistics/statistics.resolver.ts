import { Ctx, Query, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../../../../lib/graphql/context.js';
import { readStatistics } from './statistics.service.js';
import { ApplicationUsageType, StatisticsType } from './statistics.types.js';

@Resolver()
export class StatisticsResolver {
  @Query(() => StatisticsType, { description: 'Platform figures (group admins: their tenant only)' })
  async statistics(@Ctx() context: SubgraphContext): Promise<StatisticsType> {
    const stats = await readStatistics(context.em, context.principal);
    return Object.assign(new StatisticsType(), {
      ...stats,
      topApplications: stats.topApplications.map((t) => Object.assign(new ApplicationUsageType(), t)),
    });
  }
}
