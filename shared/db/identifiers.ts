import { DbError } from './port.ts';

/**
 * Quote one SQL identifier (a table or column name) so that any text is safe to splice into a
 * statement: wrapped in double quotes, inner quotes doubled. Quoting also makes the name
 * case-sensitive, so pass names as they are stored (lower case unless created quoted).
 *
 * @example
 *   quoteIdentifier('order'); // '"order"'
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\0')) {
    throw new DbError(`Invalid SQL identifier ${JSON.stringify(name)}`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quote a table name that may carry its schema (`schema.table`). A dot always separates the
 * schema from the table; names that themselves contain a dot are not supported.
 *
 * @example
 *   quoteQualifiedName('gradcafe.applicants'); // '"gradcafe"."applicants"'
 */
export function quoteQualifiedName(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2) {
    throw new DbError(`Invalid table name ${JSON.stringify(name)}: expected "table" or "schema.table"`);
  }
  return parts.map(quoteIdentifier).join('.');
}
