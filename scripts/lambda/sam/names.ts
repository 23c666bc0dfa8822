/**
 * CloudFormation logical ids: `gradcafe-pull-data` → `GradcafePullData`. Ids are alphanumeric
 * only, so distinct function ids can collide (`a-bc` and `ab-c` both give `ABc`); the template
 * builder claims every id it emits and refuses a second owner instead of silently merging two
 * resources.
 */
export function logicalId(id: string): string {
  const pascal = id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(pascal)) {
    throw new TypeError(`'${id}' does not make a CloudFormation logical id (letters first, then digits)`);
  }
  return pascal;
}

/** Hands out logical ids once each; `owner` names who wanted it, for the error. */
export function logicalIdRegistry(): (id: string, owner: string) => string {
  const owners = new Map<string, string>();
  return (id, owner) => {
    const previous = owners.get(id);
    if (previous !== undefined) {
      throw new TypeError(
        `${owner} and ${previous} both need the CloudFormation logical id '${id}'; rename one`,
      );
    }
    owners.set(id, owner);
    return id;
  };
}
