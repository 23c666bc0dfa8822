import * as z from 'zod';

/** What the docs say about one setting, read from its zod schema. */
export interface SettingDoc {
  key: string;
  /** Its `.describe()` text ('' when it has none). */
  description: string;
  /** Whether it has a default (`.default()`); without one, unset means "not configured". */
  hasDefault: boolean;
  defaultValue?: unknown;
  /** Sample values (`.meta({ examples: [...] })`), shown for settings without a default. */
  examples: readonly unknown[];
}

/**
 * The documentation of a setting: its description, default and examples, wherever in its chain of
 * wrappers (`.optional()`, `.default()`) they were attached.
 *
 * @example
 *   settingDoc('PORT', z.coerce.number().default(8080).describe('HTTP port.'));
 *   // { key: 'PORT', description: 'HTTP port.', hasDefault: true, defaultValue: 8080, examples: [] }
 */
export function settingDoc(key: string, schema: z.ZodType): SettingDoc {
  const doc: SettingDoc = { key, description: '', hasDefault: false, examples: [] };
  for (let current: z.ZodType | undefined = schema; current; current = unwrapped(current)) {
    const meta = current.meta();
    if (!doc.description && meta?.description) doc.description = meta.description;
    if (doc.examples.length === 0 && Array.isArray(meta?.examples)) doc.examples = meta.examples;
    if (!doc.hasDefault && current instanceof z.ZodDefault) {
      doc.hasDefault = true;
      doc.defaultValue = current.def.defaultValue;
    }
  }
  return doc;
}

/** The schema a wrapper wraps, or undefined for anything else. */
function unwrapped(schema: z.ZodType): z.ZodType | undefined {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    return schema.unwrap() as z.ZodType;
  }
  return undefined;
}
