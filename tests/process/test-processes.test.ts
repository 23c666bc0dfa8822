import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testProcesses } from '../helpers/processes.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The helper every process test starts its children with: a child its test left running (as a
 * failing assertion would) is killed, with the children it started, before the next test begins.
 */
const processes = testProcesses();
/** Running, not merely a zombie waiting to be reaped by whoever adopted it. */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

let leftBehind: { parent: number; grandchild: number } | undefined;

describe('testProcesses', () => {
  it('(a test that ends with its child and grandchild still running)', async () => {
    // The child starts a grandchild in the same group and prints its pid, then both sleep.
    const script = `
      const { spawn } = require('node:child_process');
      const grandchild = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
      console.log(grandchild.pid);
      setTimeout(() => {}, 600000);`;
    const child = processes.start(process.execPath, ['-e', script]);
    await new Promise<void>((resolve) => child.child.stdout!.once('data', () => resolve()));
    leftBehind = { parent: child.child.pid!, grandchild: Number(child.output().trim()) };
    expect(alive(leftBehind.parent) && alive(leftBehind.grandchild)).toBe(true);
  });

  it('finds them killed before it starts', async () => {
    expect(leftBehind).toBeDefined();
    expect(processes.running).toBe(0);
    expect(alive(leftBehind!.parent)).toBe(false);
    // SIGKILL went to the whole group; the grandchild's end is not awaited, only its signal.
    await waitFor(() => !alive(leftBehind!.grandchild), {
      timeoutMs: 2_000,
      message: 'the grandchild to die',
    });
  });
});
