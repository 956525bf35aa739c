import { z } from 'zod';
import { parseCidr } from '../http/address-match.js';
import { withFileVariables } from './file-variables.js';

/**
 * The configuration contract. This is the only module that reads `process.env`: everything else
 * receives a parsed, frozen `AppConfig`. Every variable is documented in the README's table.
 */

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/**
 * The least each MAX_QUERY_* limit may be. The gateway's own operations (gateway/src/generated: what
 * the REST layer, the token endpoint and the hosted pages run in-process) pass the same limits as
 * clients' documents, so a limit below what one of them needs would fail its route with a 500 on
 * every call (MAX_QUERY_DEPTH=4 did so to GET /api/v1/users/me). Such a configuration is refused at
 * start instead. gateway/src/limits/query-limits.test.ts runs each of those operations at these values.
 */
export const QUERY_LIMIT_FLOORS = { depth: 5, aliases: 1, tokens: 133, cost: 92, directives: 1 } as const;
const queryLimit = (floor: number) =>
  positiveInt.min(floor, `must be at least ${floor}: the gateway's own operations (the REST routes) need that much`);
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional())
  .optional();
const optionalString = z
  .string()
  .transform((v) => (v.trim() === '' ? undefined : v))
  .optional();

/** An enum whose empty value means unset, as OpenTelemetry's variables are read. */
function optionalEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.enum(values).optional())
    .optional();
}
const otlpProtocol = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .refine((v) => v === undefined || v === 'http/protobuf' || v === 'http/json', {
    message: 'must be http/protobuf or http/json (grpc is not supported)',
  })
  .optional();
/** `key=value,key2=value2`, values URL-encoded (W3C Baggage format, as the OTel spec says). */
const otlpHeaders = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const headers: Record<string, string> = {};
    for (const pair of v.split(',').filter((p) => p.trim() !== '')) {
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      if (at <= 0 || name === '') {
        ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of name=value' });
        return z.NEVER;
      }
      headers[name] = decodeURIComponent(pair.slice(at + 1).trim());
    }
    return headers;
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(4000),
  // Unset: /metrics is served on the API port (the gateway's, or a lone subgraph's).
  METRICS_PORT: port.optional(),
  PUBLIC_URL: optionalUrl,
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: optionalUrl.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: 'must be a postgres:// or postgresql:// URL',
  }),
  DB_POOL_MAX: positiveInt.max(100).default(10),
  REDIS_URL: optionalUrl.refine((v) => v === undefined || /^rediss?:\/\//.test(v), {
    message: 'must be a redis:// or rediss:// URL',
  }),
  SECRET_KEY: optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: 'must be at least 32 characters',
  }),
  // Retired (or not yet current) keys, accepted but never used to seal: commas or new lines between.
  SECRET_KEY_FALLBACKS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(/[,\r\n]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((keys) => keys.every((key) => key.length >= 32), {
      message: 'each key must be at least 32 characters (separate keys with commas or new lines)',
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BOOTSTRAP_ADMIN_EMAIL: optionalString.pipe(z.email().optional()),
  BOOTSTRAP_ADMIN_PASSWORD: optionalString.refine((v) => v === undefined || v.length >= 8, {
    message: 'must be at least 8 characters',
  }),
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((entry) => parseCidr(entry) !== undefined), {
      message: 'must be a comma-separated list of IP addresses or CIDR ranges',
    }),
  REGISTRATION_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  // false by default: accounts made before verification existed (and provisioned ones) keep signing in.
  REQUIRE_VERIFIED_EMAIL: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  SMTP_URL: optionalUrl.refine((v) => v === undefined || /^smtps?:\/\//.test(v), {
    message: 'must be an smtp:// or smtps:// URL',
  }),
  SMS_WEBHOOK_URL: optionalUrl,
  MAIL_FROM: z.string().trim().min(3).default('membergraph <no-reply@localhost>'),
  OTP_TTL_SECONDS: positiveInt.max(86_400).default(600),
  OTP_RESEND_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  OTP_DAILY_LIMIT_PER_MEMBER: positiveInt.default(10),
  OTP_DAILY_LIMIT_PER_TARGET: positiveInt.default(5),
  OTP_MAX_ATTEMPTS: positiveInt.max(100).default(5),
  PROFILE_PICTURE_MAX_BYTES: positiveInt.max(20 * 1024 * 1024).default(2 * 1024 * 1024),
  RATE_LIMIT_GENERAL_PER_MINUTE: positiveInt.default(100),
  RATE_LIMIT_AUTH_PER_MINUTE: positiveInt.default(10),
  RATE_LIMIT_ADMIN_PER_MINUTE: positiveInt.default(1000),
  // Services call /internal/* in batches: 1,000 a second per API client before anything is refused.
  RATE_LIMIT_INTERNAL_PER_MINUTE: positiveInt.default(60_000),
  SESSION_ABSOLUTE_LIFETIME_SECONDS: positiveInt.default(30 * 86_400),
  // 0: never on a schedule (rollovers by hand only).
  SIGNING_KEY_ROTATION_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  SESSION_IDLE_LIFETIME_SECONDS: positiveInt.default(7 * 86_400),
  WEBHOOK_RETRY_DELAYS_MS: z
    .string()
    .default('60000,300000,1800000,7200000,21600000')
    .transform((v) => v.split(',').map((s) => Number(s.trim())))
    .refine((list) => list.length > 0 && list.every((n) => Number.isInteger(n) && n >= 0), {
      message: 'must be a comma-separated list of non-negative integers (milliseconds)',
    }),
  WEBHOOK_TIMEOUT_MS: positiveInt.max(120_000).default(10_000),
  WEBHOOK_POLL_INTERVAL_MS: positiveInt.max(60_000).default(1000),
  WEBHOOK_DISABLE_AFTER_FAILURES: positiveInt.max(1000).default(5),
  // Unset: refused in production only (see AppConfig.webhookAllowPrivateTargets).
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false']).optional(),
  // Unset: PORT+1..PORT+4, so two stacks with different PORTs run side by side.
  IDENTITY_PORT: port.optional(),
  MEMBER_PORT: port.optional(),
  CATALOG_PORT: port.optional(),
  ADMIN_PORT: port.optional(),
  IDENTITY_URL: optionalUrl,
  MEMBER_URL: optionalUrl,
  CATALOG_URL: optionalUrl,
  ADMIN_URL: optionalUrl,
  MAX_QUERY_DEPTH: queryLimit(QUERY_LIMIT_FLOORS.depth).default(12),
  MAX_QUERY_ALIASES: queryLimit(QUERY_LIMIT_FLOORS.aliases).default(30),
  MAX_QUERY_TOKENS: queryLimit(QUERY_LIMIT_FLOORS.tokens).default(2000),
  MAX_QUERY_COST: queryLimit(QUERY_LIMIT_FLOORS.cost).default(5000),
  MAX_QUERY_DIRECTIVES: queryLimit(QUERY_LIMIT_FLOORS.directives).default(30),
  // OpenTelemetry's own variables, with their standard meaning; tracing is off without an endpoint.
  OTEL_SDK_DISABLED: optionalEnum(['true', 'false']),
  OTEL_TRACES_EXPORTER: optionalEnum(['otlp', 'none']),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: otlpHeaders,
});

/** Where spans go (OTLP over HTTP); undefined: tracing is off. */
export interface TracingConfig {
  /** The traces URL itself (`<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`). */
  readonly endpoint: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly headers: Readonly<Record<string, string>>;
}

export type SubgraphName = 'identity' | 'member' | 'catalog' | 'admin';
export const subgraphNames: readonly SubgraphName[] = ['identity', 'member', 'catalog', 'admin'];

export interface AppConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly isProduction: boolean;
  readonly host: string;
  readonly port: number;
  /** A listener of its own for /metrics (then absent from the API port), so it is not published with the API. */
  readonly metricsPort: number | undefined;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly dbPoolMax: number;
  readonly redisUrl: string | undefined;
  /** Undefined outside production means "generate one and keep it under DATA_DIR". */
  readonly secretKey: string | undefined;
  /** Keys accepted besides SECRET_KEY while it changes (lib/crypto/secret-key.ts). */
  readonly secretKeyFallbacks: readonly string[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly bootstrapAdmin: { readonly email: string; readonly password: string } | undefined;
  /** Proxies whose X-Forwarded-For the gateway believes (addresses or CIDR ranges). */
  readonly trustedProxies: readonly string[];
  /** Whether anyone may sign up (register); admins and provisioning create accounts regardless. */
  readonly registrationEnabled: boolean;
  /** Sign-in refused (EMAIL_NOT_VERIFIED) until the account's primary address is verified. */
  readonly requireVerifiedEmail: boolean;
  readonly smtpUrl: string | undefined;
  readonly smsWebhookUrl: string | undefined;
  /** Sender of verification mail. */
  readonly mailFrom: string;
  /** Business email/phone verification codes (seed 003). */
  readonly otp: {
    readonly ttlSeconds: number;
    readonly resendCooldownSeconds: number;
    readonly dailyLimitPerMember: number;
    readonly dailyLimitPerTarget: number;
    readonly maxAttempts: number;
  };
  readonly profilePictureMaxBytes: number;
  readonly rateLimits: {
    readonly general: number;
    readonly auth: number;
    readonly admin: number;
    readonly internal: number;
  };
  /** A session ends this long after sign-in, or once it was not refreshed for `idleSeconds`. */
  /** SIGNING_KEY_ROTATION_DAYS: each signing key rolls over once this old (0: never on a schedule). */
  readonly signingKeyRotationDays: number;
  readonly sessionLifetimes: { readonly absoluteSeconds: number; readonly idleSeconds: number };
  readonly webhookRetryDelaysMs: readonly number[];
  /** Longest a webhook request may take, response included. */
  readonly webhookTimeoutMs: number;
  /** How often an idle webhook worker looks for due deliveries. */
  readonly webhookPollIntervalMs: number;
  /** Failed deliveries in a row (each after its whole retry schedule) that disable an endpoint. */
  readonly webhookDisableAfterFailures: number;
  /** Whether webhooks may target loopback, private, link-local... addresses (SSRF guard off). */
  readonly webhookAllowPrivateTargets: boolean;
  readonly subgraphs: Readonly<Record<SubgraphName, { readonly port: number; readonly url: string | undefined }>>;
  readonly queryLimits: {
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxTokens: number;
    readonly maxCost: number;
    readonly maxDirectives: number;
  };
  readonly tracing: TracingConfig | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Rules across variables. Checked on the raw values, apart from the schema, so that they are reported
 * together with every per-variable problem rather than after those are fixed.
 */
function crossVariableProblems(source: Record<string, string | undefined>): string[] {
  const given = (name: string) => (source[name] ?? '').trim() !== '';
  const problems: string[] = [];
  if (given('BOOTSTRAP_ADMIN_EMAIL') !== given('BOOTSTRAP_ADMIN_PASSWORD')) {
    const missing = given('BOOTSTRAP_ADMIN_EMAIL') ? 'BOOTSTRAP_ADMIN_PASSWORD' : 'BOOTSTRAP_ADMIN_EMAIL';
    problems.push(`${missing}: BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD are set together or not at all`);
  }
  // Members who must verify need the mail that verifies them (development logs it instead).
  if (source['REQUIRE_VERIFIED_EMAIL'] === 'true' && source['NODE_ENV'] !== 'development' && !given('SMTP_URL')) {
    problems.push('REQUIRE_VERIFIED_EMAIL: needs SMTP_URL, or no member could ever verify and sign in');
  }
  if (source['NODE_ENV'] === 'production') {
    // DATABASE_URL stays optional: a single-node production install may run on the embedded database.
    for (const name of ['SECRET_KEY', 'PUBLIC_URL']) {
      if (!given(name)) problems.push(`${name}: is required when NODE_ENV=production`);
    }
  }
  return problems;
}

/** Parses and validates the environment once. Throws a ConfigError naming every bad variable. */
export function loadConfig(environment: Record<string, string | undefined> = process.env): AppConfig {
  const files = withFileVariables(environment, Object.keys(envSchema.shape));
  // An empty variable is an unset one: docker-compose passes `${NAME:-}` for every option it forwards.
  const source = Object.fromEntries(Object.entries(files.values).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(source);
  const problems = [
    ...files.problems,
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`)),
    ...crossVariableProblems(source),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    host: e.HOST,
    port: e.PORT,
    metricsPort: e.METRICS_PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    dbPoolMax: e.DB_POOL_MAX,
    redisUrl: e.REDIS_URL,
    secretKey: e.SECRET_KEY,
    secretKeyFallbacks: e.SECRET_KEY_FALLBACKS,
    logLevel: e.LOG_LEVEL,
    bootstrapAdmin:
      e.BOOTSTRAP_ADMIN_EMAIL && e.BOOTSTRAP_ADMIN_PASSWORD
        ? { email: e.BOOTSTRAP_ADMIN_EMAIL.toLowerCase(), password: e.BOOTSTRAP_ADMIN_PASSWORD }
        : undefined,
    registrationEnabled: e.REGISTRATION_ENABLED,
    requireVerifiedEmail: e.REQUIRE_VERIFIED_EMAIL,
    trustedProxies: e.TRUSTED_PROXIES,
    smtpUrl: e.SMTP_URL,
    smsWebhookUrl: e.SMS_WEBHOOK_URL,
    mailFrom: e.MAIL_FROM,
    otp: {
      ttlSeconds: e.OTP_TTL_SECONDS,
      resendCooldownSeconds: e.OTP_RESEND_COOLDOWN_SECONDS,
      dailyLimitPerMember: e.OTP_DAILY_LIMIT_PER_MEMBER,
      dailyLimitPerTarget: e.OTP_DAILY_LIMIT_PER_TARGET,
      maxAttempts: e.OTP_MAX_ATTEMPTS,
    },
    profilePictureMaxBytes: e.PROFILE_PICTURE_MAX_BYTES,
    rateLimits: {
      general: e.RATE_LIMIT_GENERAL_PER_MINUTE,
      auth: e.RATE_LIMIT_AUTH_PER_MINUTE,
      admin: e.RATE_LIMIT_ADMIN_PER_MINUTE,
      internal: e.RATE_LIMIT_INTERNAL_PER_MINUTE,
    },
    signingKeyRotationDays: e.SIGNING_KEY_ROTATION_DAYS,
    sessionLifetimes: {
      absoluteSeconds: e.SESSION_ABSOLUTE_LIFETIME_SECONDS,
      idleSeconds: e.SESSION_IDLE_LIFETIME_SECONDS,
    },
    webhookRetryDelaysMs: e.WEBHOOK_RETRY_DELAYS_MS,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookPollIntervalMs: e.WEBHOOK_POLL_INTERVAL_MS,
    webhookDisableAfterFailures: e.WEBHOOK_DISABLE_AFTER_FAILURES,
    webhookAllowPrivateTargets: (e.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? String(e.NODE_ENV !== 'production')) === 'true',
    subgraphs: {
      identity: { port: e.IDENTITY_PORT ?? besideGateway(e.PORT, 1), url: e.IDENTITY_URL },
      member: { port: e.MEMBER_PORT ?? besideGateway(e.PORT, 2), url: e.MEMBER_URL },
      catalog: { port: e.CATALOG_PORT ?? besideGateway(e.PORT, 3), url: e.CATALOG_URL },
      admin: { port: e.ADMIN_PORT ?? besideGateway(e.PORT, 4), url: e.ADMIN_URL },
    },
    queryLimits: {
      maxDepth: e.MAX_QUERY_DEPTH,
      maxAliases: e.MAX_QUERY_ALIASES,
      maxTokens: e.MAX_QUERY_TOKENS,
      maxCost: e.MAX_QUERY_COST,
      maxDirectives: e.MAX_QUERY_DIRECTIVES,
    },
    tracing: tracingConfig(e),
  });
}

/** Standard OTel semantics: the signal's own variable first; a base endpoint gains `/v1/traces`. */
function tracingConfig(e: z.infer<typeof envSchema>): TracingConfig | undefined {
  if (e.OTEL_SDK_DISABLED === 'true' || e.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const endpoint =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT && `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`);
  if (!endpoint) return undefined;
  return Object.freeze({
    endpoint,
    protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    headers: Object.freeze({ ...e.OTEL_EXPORTER_OTLP_HEADERS, ...e.OTEL_EXPORTER_OTLP_TRACES_HEADERS }),
  });
}

/** A subgraph's default port: just above the gateway's (PORT 0, "any free port", stays 0). */
function besideGateway(gatewayPort: number, offset: number): number {
  return gatewayPort === 0 ? 0 : gatewayPort + offset;
}

/** Entry points call this: a bad configuration stops the process with every problem listed. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Entry points wrap their start in this: a ConfigError found only while starting (a SECRET_KEY that
 * does not open the secrets already in the database) stops the process as a bad variable does, its
 * message on stderr and exit code 1, instead of as a crash logged with a stack trace.
 */
export async function startOrExit<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * @apollo/gateway otherwise sends usage metrics to Apollo and probes cloud metadata addresses
 * (AWS, GCP, Azure) from every process. We never phone home: call before constructing a gateway.
 */
export function disableVendorTelemetry(): void {
  process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
}

/** Where the gateway reaches a subgraph: an explicit URL, else the local port. */
export function subgraphUrl(config: AppConfig, name: SubgraphName): string {
  return config.subgraphs[name].url ?? `http://127.0.0.1:${config.subgraphs[name].port}/graphql`;
}
