import type { z } from 'zod';

/**
 * One line naming every problem zod found, for error messages and dead-letter reasons.
 *
 * @example
 *   describeIssues(schema.safeParse(input).error!); // "name: Too small; age: Expected number"
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}
