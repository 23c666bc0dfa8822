/**
 * Values as stored: JSON inside a one-field wrapper, so that `undefined` (which JSON cannot
 * hold at the top level) is a cacheable value like any other: `{"v":…}`, or `{}` for undefined.
 */

/**
 * @throws TypeError when JSON cannot represent the value (a BigInt, a cycle).
 * @example
 *   encodeValue({ due: new Date(0) }); // '{"v":{"due":"1970-01-01T00:00:00.000Z"}}'
 */
export function encodeValue(value: unknown, namespace: string): string {
  try {
    return JSON.stringify({ v: value });
  } catch (err) {
    throw new TypeError(
      `The value cached in ${namespace} is not JSON-serialisable: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** @example decodeValue('{}'); // undefined */
export function decodeValue<T>(stored: string): T {
  return (JSON.parse(stored) as { v?: T }).v as T;
}
