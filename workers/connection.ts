// Redis connections for the queued mode, set up as BullMQ's production guide asks:
// - workers (blocking commands) get `maxRetriesPerRequest: null` and a capped reconnect back-off,
//   so a Redis restart pauses them instead of failing their jobs;
// - producers and the CLI's read-only commands fail fast (no offline queue), so a command never
//   hangs on an unreachable Redis; the run's wait loop retries on its own;
// - every connection gets an error listener (an unhandled 'error' event would kill the process).
// Only references and hashes ever travel over these connections, never document text.
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/** Key prefix of every queue; tests use a unique one each so they never see each other's jobs. */
export const DEFAULT_PREFIX = 'plan-assessor';

export const QUEUE_NAMES = { extract: 'extract', assess: 'assess', overview: 'overview' } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export class RedisUrlError extends Error {}

/** redis://[user:password@]host[:port][/db] or rediss://… (TLS) → ioredis options. */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RedisUrlError(`"${url}" is not a Redis URL; expected redis://host:port (for example redis://127.0.0.1:6379)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new RedisUrlError(`"${url}" is not a Redis URL: it starts with ${u.protocol}// instead of redis:// or rediss://`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new RedisUrlError(`"${url}": the database after the "/" must be a number, for example redis://127.0.0.1:6379/0`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** The URL with its password masked, for messages and logs. */
export function displayUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

// Reconnect after 1 s, 2 s, 4 s … at most 20 s apart, for ever (BullMQ's recommended strategy).
const reconnect = (times: number) => Math.max(Math.min(Math.exp(times), 20_000), 1000);

/** Options for BullMQ Workers (and QueueEvents): wait through outages instead of failing. */
export function workerConnection(url: string): ConnectionOptions {
  const options: RedisOptions = { ...redisOptions(url), maxRetriesPerRequest: null, retryStrategy: reconnect };
  return options as ConnectionOptions; // BullMQ's option type is narrower than ioredis's; the values are the same
}

/** A shared client for Queues and the FlowProducer: commands fail at once while Redis is away. */
export function producerClient(url: string, onError: (err: Error) => void): Redis {
  const client = new Redis({ ...redisOptions(url), maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (times) => Math.min(times * 200, 2000) });
  client.on('error', onError);
  return client;
}

/** Connects once and pings, so a wrong URL or a stopped Redis is reported in one clear line. */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, enableOfflineQueue: false });
  let cause: Error | undefined; // the socket's error says more than connect()'s "Connection is closed"
  client.on('error', (err: Error) => { cause ??= err; });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new RedisUnavailable(`cannot reach Redis at ${displayUrl(url)} (${(cause ?? (err as Error)).message}). Start it (for example \`docker compose up -d redis\`), check --redis / REDIS_URL, or leave both unset to run embedded, without Redis.`);
  } finally {
    client.disconnect();
  }
}

export class RedisUnavailable extends Error {}

/** Redis URL from the option or REDIS_URL; undefined means the embedded mode. */
export function redisUrlFrom(option: string | undefined): string | undefined {
  return option ?? (process.env.REDIS_URL || undefined);
}
