import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';

/** ioredis (some fifty modules) loads only in processes given REDIS_URL, when they first connect. */
export function loadIoredis(): typeof IORedis {
  return createRequire(import.meta.url)('ioredis') as typeof IORedis;
}
