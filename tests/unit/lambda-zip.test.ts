import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { reproducibleZip } from '../../scripts/lambda/build/zip.ts';

const files = () => ({
  'index.mjs': new TextEncoder().encode('export const handler = async () => 1;\n'),
  'index.mjs.map': new TextEncoder().encode('{"version":3,"mappings":""}'),
});

describe('reproducibleZip', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('holds the files at its root, byte for byte', () => {
    const unzipped = unzipSync(reproducibleZip(files()));
    expect(Object.keys(unzipped).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(unzipped['index.mjs']).toEqual(files()['index.mjs']);
    expect(unzipped['index.mjs.map']).toEqual(files()['index.mjs.map']);
  });

  it('gives the same bytes for the same files, whatever the time zone or the order given', () => {
    process.env.TZ = 'UTC';
    const first = reproducibleZip(files());
    process.env.TZ = 'America/Los_Angeles';
    const { 'index.mjs.map': map, 'index.mjs': js } = files();
    const second = reproducibleZip({ 'index.mjs.map': map, 'index.mjs': js });
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  it('marks entries as readable Unix files, so the Lambda runtime can load them', () => {
    const zip = Buffer.from(reproducibleZip(files()));
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); // first central directory header
    expect(zip[central + 5]).toBe(3); // "version made by" host: Unix
    expect((zip.readUInt32LE(central + 38) >>> 16) & 0o777).toBe(0o644); // external attributes
  });
});
