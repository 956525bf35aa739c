/**
 * A person's name: one value, owned by identity (`User.displayName`), shown as seed 004's
 * `full_name` and seeds 000/003's `display_name`. The rule lives here because the REST layer checks
 * a name before it writes anything else a request carries (gateway/src/rest), and identity checks
 * it again where it is stored.
 */
export const DISPLAY_NAME_MAX = 100;

export type CheckedName =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

/** Trimmed, 1 to 100 characters counted in code points (a CJK or emoji name is not charged twice). */
export function checkDisplayName(raw: string): CheckedName {
  const name = raw.trim();
  const length = [...name].length;
  if (length < 1 || length > DISPLAY_NAME_MAX)
    return { ok: false, message: `must be 1 to ${DISPLAY_NAME_MAX} characters (null clears it)` };
  return { ok: true, value: name };
}
