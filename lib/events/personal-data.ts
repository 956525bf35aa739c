import { z } from 'zod';

/**
 * Payload fields that hold personal data (an e-mail address...). The outbox keeps them for the
 * subgraph's own investigation; the audit log and webhooks never copy their values.
 */
const personalFields = z.registry<{ readonly personal: true }>();

/** Declares a payload field personal: `email: personal(z.string()).optional()`. */
export function personal<S extends z.ZodType>(schema: S): S {
  personalFields.add(schema, { personal: true });
  return schema;
}

/** Whether a field is declared personal, at any layer of optional/nullable around it. */
function isPersonal(schema: z.core.$ZodType): boolean {
  if (personalFields.has(schema)) return true;
  return schema instanceof z.ZodOptional || schema instanceof z.ZodNullable ? isPersonal(schema.unwrap()) : false;
}

/** The schema inside optional/nullable wrappers (for walking into objects and arrays). */
function unwrapped(schema: z.core.$ZodType): z.core.$ZodType {
  return schema instanceof z.ZodOptional || schema instanceof z.ZodNullable ? unwrapped(schema.unwrap()) : schema;
}

/**
 * What of `value` may be copied elsewhere: the fields `schema` declares and does not mark personal,
 * at any depth of objects and arrays (undeclared fields stay behind too, as parsing would drop them).
 */
export function publicPart(schema: z.core.$ZodType, value: unknown): unknown {
  const inner = unwrapped(schema);
  if (inner instanceof z.ZodArray && Array.isArray(value)) {
    return value.map((item: unknown) => publicPart(inner.element, item));
  }
  if (!(inner instanceof z.ZodObject) || value === null || typeof value !== 'object') return value;
  const shape: Record<string, z.core.$ZodType> = inner.shape;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const declared = shape[key];
    if (declared && !isPersonal(declared)) out[key] = publicPart(declared, field);
  }
  return out;
}
