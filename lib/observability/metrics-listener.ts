import express from 'express';
import { listen, type Listening } from '../http/listen.js';
import { serveMetrics } from './http-metrics.js';
import type { Registry } from './metrics.js';

/**
 * METRICS_PORT: /metrics on a listener of its own, so that publishing the API port does not publish
 * the metrics too. Everything else there is a JSON 404.
 */
export async function startMetricsListener(registry: Registry, port: number, host: string): Promise<Listening> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', serveMetrics({ registry }));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'Only /metrics is served here', details: {} });
  });
  return listen(app, port, host, { component: 'the metrics listener', variable: 'METRICS_PORT' });
}
