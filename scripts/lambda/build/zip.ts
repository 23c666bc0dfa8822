import { zipSync, type Zippable } from 'fflate';

/**
 * Zip files for a Lambda upload, byte-for-byte reproducible: the same input gives the same zip,
 * so an unchanged function keeps its CodeSha256 and is not redeployed.
 */
export function reproducibleZip(files: Record<string, Uint8Array>): Uint8Array {
  const entries: Zippable = {};
  // Sorted names and a fixed mtime: fflate writes DOS time from the Date's *local* fields, so a
  // Date built from local fields gives the same bytes in every time zone (1980 is DOS time's epoch).
  for (const name of Object.keys(files).sort()) {
    entries[name] = [files[name]!, { mtime: new Date(1980, 0, 1), os: UNIX, attrs: READABLE_FILE }];
  }
  return zipSync(entries, { level: 9 });
}

const UNIX = 3;
/** Regular file, mode 0644 (in the high 16 bits, as Info-ZIP stores it): Lambda's runtime must read it. */
const READABLE_FILE = (0o100644 << 16) >>> 0;
