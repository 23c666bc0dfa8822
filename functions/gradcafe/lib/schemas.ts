import * as z from 'zod';
import { DEGREES } from './model.ts';
import { TERM_PATTERN } from './terms.ts';

/**
 * Input schemas shared by routes and tasks. Fields are allow-listed (enum or pattern) and
 * length-bounded, so odd input is a clear 400 before any SQL runs (which is parameterized
 * regardless). Blank form fields count as absent, so a browser form can leave them empty.
 */
const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** An optional field that a form may send as an empty string. */
export function optionalField<S extends z.ZodType>(schema: S) {
  return z.preprocess(blankToUndefined, schema.optional());
}

/** A GradCafe entry id, as a number or (from a query string or form) decimal text. */
export const entryId = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(0)
  .max(Number.MAX_SAFE_INTEGER);

export const termSchema = z
  .string()
  .trim()
  .max(20)
  .regex(TERM_PATTERN, 'must look like "Fall 2025" (Spring, Summer or Fall and a year)');

/** School and program names: letters, digits and the punctuation real names use. */
const nameSchema = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[\p{L}\p{N} ,.'&()/-]+$/u, "may only contain letters, digits, spaces and , . ' & ( ) / -");

export const degreeSchema = z.enum(DEGREES);

/** The parameters of the per-term and per-program questions of the analysis. */
export const analysisParamsSchema = z.object({
  term: optionalField(termSchema),
  university: optionalField(nameSchema),
  program: optionalField(nameSchema),
  degree: optionalField(degreeSchema),
});

export type AnalysisParamsInput = z.infer<typeof analysisParamsSchema>;
