import { readdir, readFile } from 'node:fs/promises';

/**
 * What Linux's /proc says about the bench's child processes: CPU time, peak and proportional
 * memory, and the processes a child forked (Celery's prefork pool).
 */

/** Linux reports process CPU times in clock ticks of USER_HZ, 100 on every mainstream kernel. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces): state is [0]. */
async function statFields(pid: number): Promise<string[]> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU a live process has used so far (utime and stime, the 14th and 15th fields). */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const fields = await statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Peak resident set size (VmHWM) of a live process, in MB; the kernel keeps the high-water mark. */
export async function peakRssMb(pid: number = process.pid): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Math.round(Number(kb) / 1024);
}

/**
 * Proportional set size in MB: resident memory with each page shared between processes (a
 * forked pool's copy-on-write pages) divided among them, so a tree's PSS adds up honestly.
 */
export async function pssMb(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1] ?? 0) / 1024;
}

/** `pid` and every live descendant of it. */
export async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    // A process may exit between the listing and the read.
    const fields = await statFields(Number(name)).catch(() => null);
    if (fields) parents.set(Number(name), Number(fields[1]));
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/** Sum `read` over processes, skipping any that exited meanwhile. */
export async function sumOver(pids: number[], read: (pid: number) => Promise<number>): Promise<number> {
  const values = await Promise.all(pids.map((pid) => read(pid).catch(() => 0)));
  return values.reduce((sum, value) => sum + value, 0);
}

/**
 * The processes of the local broker and database a side loads: RabbitMQ's Erlang VM, and
 * Postgres's shared processes (WAL writer, checkpointer...) with the backends of `database`.
 * Other databases' backends are left out; the shared processes also serve them, so on a busy
 * machine these CPU figures are upper bounds.
 */
export async function serviceProcesses(database: string): Promise<{ broker: number[]; postgres: number[] }> {
  const broker: number[] = [];
  const postgres: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (command.includes('beam.smp')) broker.push(pid);
    const title = /^postgres: [^:]+: (.*)$/.exec(command)?.[1]?.trim().split(' ');
    // A backend's title is `user database host state`; a shared process's is a word or two.
    if (title && (title.length < 3 || title[1] === database)) postgres.push(pid);
  }
  return { broker, postgres };
}
