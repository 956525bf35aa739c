import { postedStatus, startBenchScript, type BenchScript, type BenchScriptPlace } from './bench-script.js';

/** bench/bare-sign-in.ts: POST `{ email, password }` to `url`. */
export type BareSignIn = BenchScript;

/**
 * Starts bench/bare-sign-in.ts on the production shape's Node over the accounts of `accounts`
 * (identity's `identity.user_account` in the bench), verifying with `passwordModule` (the build's
 * identity password module), and waits until it answers (a body without credentials refused).
 */
export function startBareSignIn(
  options: BenchScriptPlace & {
    readonly databaseUrl: string;
    readonly accounts: string;
    readonly sessionsSchema: string;
    readonly passwordModule: string;
  },
): Promise<BareSignIn> {
  return startBenchScript({
    ...options,
    name: 'bare sign-in',
    script: 'bench/bare-sign-in.ts',
    env: (port) => ({
      BARE_PORT: String(port),
      BARE_DATABASE_URL: options.databaseUrl,
      BARE_ACCOUNTS: options.accounts,
      BARE_SESSIONS_SCHEMA: options.sessionsSchema,
      BARE_PASSWORD_MODULE: options.passwordModule,
    }),
    ready: async (url) => (await postedStatus(url, '{}')) === 400,
  });
}
