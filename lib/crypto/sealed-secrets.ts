import { ConfigError } from '../config/env.js';
import type { SecretBox } from './secret-box.js';

/**
 * The newest secret of one kind that a subgraph keeps sealed under SECRET_KEY (lib/crypto/secret-box),
 * opened at start to prove that this SECRET_KEY is the one it was sealed with.
 */
export interface SealedSecretSample {
  /** What it is, for the refusal: "signing keys", "TOTP secrets". */
  readonly kind: string;
  readonly sealedAt: Date;
  readonly sealed: string;
  /** The box of this kind's purpose, derived from the SECRET_KEY the process was started with. */
  readonly box: SecretBox;
}

/**
 * A SECRET_KEY other than the one the database's secrets were sealed with. Without this check the
 * process starts and fails later, request by request: every sign-in answers 500 ("Unsupported state
 * or unable to authenticate data", AES-GCM refusing the tag). A ConfigError, so that entry points
 * report it like a bad variable: the message on stderr, exit code 1, nothing listening.
 */
export class SecretKeyMismatchError extends ConfigError {
  constructor(
    readonly subgraph: string,
    readonly unopened: readonly SealedSecretSample[],
    keySource: string | undefined,
  ) {
    const kinds = unopened.map((s) => `${subgraph} ${s.kind} sealed ${s.sealedAt.toISOString()}`).join(', ');
    super([
      `SECRET_KEY: does not open the secrets already in the database (${kinds}): ` +
        `start with the SECRET_KEY they were sealed with${keySource ? ` (${keySource})` : ''}`,
    ]);
    this.name = 'SecretKeyMismatchError';
  }
}

/**
 * Throws SecretKeyMismatchError unless every sample opens. `keySource` says where the key came from
 * when that is not obvious (the development key file when SECRET_KEY is unset).
 */
export function assertSealedSecretsOpen(
  subgraph: string,
  samples: readonly SealedSecretSample[],
  keySource?: string,
): void {
  const unopened = samples.filter((sample) => {
    try {
      sample.box.open(sample.sealed);
      return false;
    } catch {
      // Almost always AES-GCM refusing the tag (another key). A value that is not a sealed secret at
      // all cannot be used either; the message names its kind and date for whoever looks into it.
      return true;
    }
  });
  if (unopened.length > 0) throw new SecretKeyMismatchError(subgraph, unopened, keySource);
}
