import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { waitUntil } from './helpers.ts';

/**
 * Child processes of the bench (the runner under test, the workers, the SQS emulator). Every one
 * is registered so that however the bench ends (normally, on an error, on Ctrl-C) none is left
 * running against the bench's database and queues.
 */
export interface BenchChild {
  readonly pid: number;
  hasExited(): boolean;
  /** Resolve with the first stdout line matching `pattern`; fail if the child exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();

// 'exit' handlers must be synchronous: a plain kill is all that can happen here.
process.on('exit', () => {
  for (const child of live) signalGroup(child, 'SIGKILL');
});

/** Signal a child's whole process group (it leads one: `detached`); it may be gone already. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // ESRCH: the group has exited.
  }
}

/** The heap flags `npm start` and the container image give the runner (package.json, infra/Dockerfile). */
export const RUNNER_NODE_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=256'] as const;

/** `node --import tsx <script>` on the bench's Node, as the runner is started in a container. */
export function spawnTsx(
  script: string,
  args: string[],
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
): BenchChild {
  // BENCH_CPU_PROF=<dir>: every Node child writes a V8 CPU profile there when it exits.
  const dir = process.env.BENCH_CPU_PROF;
  const profile = dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  return spawnProcess(process.execPath, [...nodeFlags, ...profile, '--import', 'tsx', script, ...args], env);
}

/**
 * Start a program in a process group of its own: stopping it signals the whole group, so a
 * program that forks (Celery's prefork pool) leaves no orphan behind.
 */
export function spawnProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string } = {},
): BenchChild {
  const script = [command, ...args].join(' ');
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    cwd: options.cwd,
    detached: true,
    // stderr is inherited: a child that crashes explains itself on the bench's console.
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  live.add(child);
  const lines: string[] = [];
  let exitCode: number | null | undefined;
  const exited = once(child, 'exit').then(([code]) => {
    exitCode = code as number | null;
    live.delete(child);
  });
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));

  return {
    pid: child.pid,
    hasExited: () => exitCode !== undefined,
    async waitForLine(pattern, timeoutMs) {
      let match: RegExpExecArray | undefined;
      await waitUntil(
        () => {
          if (exitCode !== undefined)
            throw new Error(`${script} exited with code ${exitCode} before printing ${pattern}`);
          match = lines.map((line) => pattern.exec(line)).find((m) => m !== null) ?? undefined;
          return match !== undefined;
        },
        { timeoutMs, what: `${script} to print ${pattern}` },
      );
      return match!;
    },
    async stop(graceMs = 10_000) {
      if (exitCode !== undefined) return;
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Kill every child still running: when the run closes, normally or not. */
export async function stopAllChildren(): Promise<void> {
  const children = [...live];
  // Listeners are attached in the same tick as the kill, so no 'exit' can be missed.
  const exits = children.map((child) => once(child, 'exit'));
  for (const child of children) signalGroup(child, 'SIGKILL');
  await Promise.all(exits);
}
