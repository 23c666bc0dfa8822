/**
 * infra/Dockerfile and .dockerignore, checked by parsing (no Docker engine runs where the tests run):
 * stages, user, probe, entrypoint, and that everything the build copies exists and reaches the context.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const [keyword = '', ...rest] = pending.split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' ') });
    pending = '';
  }
  return instructions;
}

/** Instructions grouped by build stage, one group per FROM. */
function stagesOf(instructions: Instruction[]): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** `COPY [--flags] <src>... <dest>`: the sources, and whether they come from another stage. */
function copySources(instruction: Instruction): { fromStage: boolean; sources: string[] } {
  const words = instruction.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  return { fromStage: flags.some((f) => f.startsWith('--from=')), sources: paths.slice(0, -1) };
}

/** Whether a .dockerignore pattern (`name`, `dir/sub`, `*.log`, `.env.*`) excludes a path or one of its parents. */
function isIgnored(file: string, patterns: string[]): boolean {
  const prefixes = file.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  return patterns.some((pattern) => {
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    return prefixes.some((prefix) => regex.test(prefix));
  });
}

const exec = (args: string): string[] => JSON.parse(args) as string[];

const instructions = parseDockerfile(read('infra/Dockerfile'));
const stages = stagesOf(instructions);
const finalStage = stages.at(-1) ?? [];
const inFinal = (keyword: string) => finalStage.filter((i) => i.keyword === keyword);
const dockerignore = read('.dockerignore')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('infra/Dockerfile', () => {
  it('builds in stages on Node 24 slim, pinned to the minor the project runs locally', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const localNode = (JSON.parse(read('node_modules/node/package.json')) as { version: string }).version;
    const [major, minor] = localNode.split('.');
    for (const stage of stages) {
      const image = stage[0]?.args.split(/\s+/)[0];
      expect(image).toBe(`node:${major}.${minor}-bookworm-slim`);
    }
  });

  it('installs production dependencies from the lockfile before copying any code', () => {
    const deps = stages[0] ?? [];
    const install = deps.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    expect(install).toBeGreaterThan(0);
    expect(deps[install]?.args).toContain('--omit=dev');
    // Only the manifests before the install, so code edits do not invalidate the dependency layer.
    const copiedBefore = deps
      .slice(0, install)
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) => copySources(i).sources);
    expect(copiedBefore.sort()).toEqual(['package-lock.json', 'package.json']);
  });

  it('runs the final stage as a non-root user in production mode', () => {
    const user = inFinal('USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user?.split(':')[0]);
    expect(
      inFinal('ENV')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/\bNODE_ENV=production\b/);
  });

  it('exposes 8080 and probes /healthz with Node, since slim images have no curl', () => {
    expect(inFinal('EXPOSE').flatMap((i) => i.args.split(/\s+/))).toContain('8080');
    const healthcheck = inFinal('HEALTHCHECK')[0]?.args ?? '';
    const command = exec(healthcheck.slice(healthcheck.indexOf('CMD ') + 4));
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/healthz');
  });

  it('starts the runner exactly as `npm start` does, with all roles unless told otherwise', () => {
    const npmStart = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    const entrypoint = exec(inFinal('ENTRYPOINT')[0]?.args ?? '[]');
    expect(entrypoint.join(' ')).toBe(npmStart);
    expect(entrypoint.slice(-3)).toEqual(['--import', 'tsx', 'scripts/start.ts']);
    expect(exec(inFinal('CMD')[0]?.args ?? '[]')).toEqual(['--role', 'all']);
    expect(existsSync(path.join(root, 'scripts/start.ts'))).toBe(true);
  });

  it('copies the runtime sources, each existing and not excluded by .dockerignore', () => {
    const copied = instructions
      .filter((i) => i.keyword === 'COPY')
      .map(copySources)
      .filter((c) => !c.fromStage)
      .flatMap((c) => c.sources);
    expect(copied).toEqual(
      expect.arrayContaining(['functions', 'shared', 'scripts', 'sql', 'package.json', 'tsconfig.json']),
    );
    for (const source of copied) {
      expect(existsSync(path.join(root, source)), source).toBe(true);
      expect(isIgnored(source, dockerignore), `${source} is excluded by .dockerignore`).toBe(false);
    }
  });

  it('has the loader the entrypoint imports (tsx) among production dependencies', () => {
    // The image installs with `npm ci --omit=dev`: a devDependency would be missing at start.
    const pkg = JSON.parse(read('package.json')) as { dependencies?: Record<string, string> };
    expect(Object.keys(pkg.dependencies ?? {})).toContain('tsx');
  });
});

describe('.dockerignore', () => {
  it('keeps local state, tests and secrets out of the build context', () => {
    for (const file of [
      'node_modules',
      '.data',
      'dist',
      'coverage',
      '.git',
      'tests',
      '.env',
      '.env.local',
      'app.log',
    ]) {
      expect(isIgnored(file, dockerignore), file).toBe(true);
    }
  });
});
