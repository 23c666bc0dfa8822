/**
 * The project's version, as package.json says (tests/unit/package.test.ts keeps them equal). A
 * constant rather than a read of package.json, which a Lambda bundle does not carry.
 */
export const VERSION = '0.1.0';
