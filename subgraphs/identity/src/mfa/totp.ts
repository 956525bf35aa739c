import { generateSecret, generateURI, verify } from 'otplib';

/** Google Authenticator's parameters: SHA-1, 6 digits, 30 s steps, one step of drift either way. */
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'membergraph';
const TOLERANCE_SECONDS = TOTP_PERIOD_SECONDS;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function otpauthUrl(secret: string, account: string): string {
  return generateURI({
    issuer: TOTP_ISSUER,
    label: account,
    secret,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
}

/** The time step the code belongs to (current ±1), or null when it matches none. */
export async function matchTotpStep(secret: string, code: string, epochSeconds?: number): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    epochTolerance: TOLERANCE_SECONDS,
    ...(epochSeconds === undefined ? {} : { epoch: epochSeconds }),
  });
  // verify() resolves to an object either way: only `.valid` says whether the code matched. The
  // result type also covers HOTP, which has no time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
