import type { RequestHandler } from 'express';
import type { SubgraphName } from '../../../lib/config/env.js';
import { FailureStreak } from '../../../lib/logging/failure-streak.js';
import type { Logger } from '../../../lib/logging/logger.js';

/**
 * GET /ready: 200 when every subgraph says it is ready (its database answers), else 503 naming the
 * state of each. Health checks ask every few seconds, so a subgraph that cannot be reached is logged
 * once when that starts, with the count when it ends (lib/logging/failure-streak.ts).
 */
export function readiness(subgraphUrls: Readonly<Record<SubgraphName, string>>, logger: Logger): RequestHandler {
  const subgraphs = Object.entries(subgraphUrls).map(([name, url]) => ({
    name,
    readyUrl: new URL('/ready', url).toString(),
    reach: new FailureStreak(logger, {
      failing: `readiness: the ${name} subgraph cannot be reached`,
      recovered: `readiness: the ${name} subgraph can be reached again`,
    }),
  }));
  return async (_req, res) => {
    const checks = await Promise.all(
      subgraphs.map(async ({ name, readyUrl, reach }) => {
        try {
          const answer = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) });
          reach.succeeded({ subgraph: name });
          return [name, answer.ok ? 'ready' : 'unavailable'] as const;
        } catch (error) {
          reach.failed(error, { subgraph: name, url: readyUrl });
          return [name, 'unreachable'] as const;
        }
      }),
    );
    const ready = checks.every(([, state]) => state === 'ready');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'unavailable', subgraphs: Object.fromEntries(checks) });
  };
}
