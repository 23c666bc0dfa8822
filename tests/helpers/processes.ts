import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { afterAll, afterEach } from 'vitest';

/** A child process of a test, with what it printed and how it ended. */
export interface TestChild {
  child: ChildProcess;
  /** stdout and stderr as received so far (when piped). */
  output(): string;
  /** stdout split into lines so far (when piped). */
  lines: string[];
  /** The exit code (null after a signal). */
  exited: Promise<number | null>;
}

/**
 * Child processes that cannot outlive their test. Each is started in its own process group and,
 * if still running when its test ends (passed, failed or timed out), the whole group is killed
 * before the next test starts. A failed assertion can then never leave a worker behind to keep
 * vitest waiting after its summary, or to consume the next test's messages.
 *
 * Call it at the top of a test file (it registers the hooks). With `{ keepUntil: 'all' }` they are
 * killed when the file ends instead: for a server that the file's tests share.
 *
 * @example
 *   const processes = testProcesses();
 *   it('serves', async () => {
 *     const runner = processes.start(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env });
 *     await waitFor(() => runner.output().includes('is running'));
 *   }); // killed here if the test left it running
 */
export function testProcesses(options: { keepUntil?: 'each' | 'all' } = {}) {
  const live = new Set<TestChild>();
  const killAll = () => Promise.all([...live].map(killGroup));
  // `all`: children shared by the file's tests (a server started in beforeAll) live to its end.
  if (options.keepUntil !== 'all') afterEach(killAll);
  afterAll(killAll);

  return {
    start(command: string, args: string[], options: SpawnOptions = {}): TestChild {
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
      let output = '';
      const lines: string[] = [];
      let partial = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        output += text;
        const parts = (partial + text).split('\n');
        partial = parts.pop() ?? '';
        lines.push(...parts);
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const tracked: TestChild = { child, output: () => output, lines, exited };
      live.add(tracked);
      void exited.then(() => live.delete(tracked));
      return tracked;
    },
    /** How many started children are still running (for the helper's own test). */
    get running(): number {
      return live.size;
    },
  };
}

/** SIGKILL the child's process group (it may have started children of its own), then wait for it. */
async function killGroup(tracked: TestChild): Promise<void> {
  const { child } = tracked;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
  await tracked.exited;
}
