import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../shared/version.ts';

/** What the README promises about installing is what package.json says. */
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  version: string;
  engines: { node: string };
  allowScripts: Record<string, boolean>;
  devDependencies: Record<string, string>;
};
const readme = readFileSync('README.md', 'utf8');

describe('package.json and the README', () => {
  it('give the version the pages and the API document show (shared/version.ts)', () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('agree on the Node version needed to install', () => {
    const minimum = /^>=(\d+)$/.exec(pkg.engines.node)?.[1];
    expect(minimum).toBeDefined();
    expect(readme).toContain(`Node.js ≥ ${minimum} with npm`);
  });

  it('run every npm script on the pinned Node 24', () => {
    expect(pkg.devDependencies.node).toMatch(/^\^24\./);
  });

  it('allow install scripts only where they are needed, and name every one npm would ask about', () => {
    expect(pkg.allowScripts).toEqual({ esbuild: true, node: true, '@scarf/scarf': false });
  });
});
