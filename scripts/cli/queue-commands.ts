import type { Command } from 'commander';
import type { Job } from '../../shared/contract/index.ts';
import { queueName } from '../../shared/runtime/manifest.ts';
import { scheduleCorrelationId } from '../../shared/contract/schedule-correlation.ts';
import { fireSchedule } from '../../shared/runtime/scheduler.ts';
import { startRunner } from '../../shared/runtime/runner.ts';
import type { Platform } from '../../shared/runtime/platform.ts';
import type { QueueDriver } from '../../shared/queue/port.ts';
import { Cron } from 'croner';
import { UsageError } from '../lib/run-script.ts';
import { withPlatform } from './platform.ts';

/** trigger, dead-letters, schedules: work through the configured broker, as the HTTP routes do. */
export function addQueueCommands(program: Command): void {
  program
    .command('trigger')
    .description('queue a job of any kind (imports.daily, scrape_new_data, ...) and print its id')
    .argument('<kind>')
    .option('--payload <json>', 'the payload, as JSON', '{}')
    .option('--wait', 'wait for the job to finish and print it (always so on the in-process queue)')
    .action((kind: string, options: { payload: string; wait?: boolean }) =>
      withPlatform(async (platform) => {
        const kinds = platform.manifest.tasks.flatMap((entry) => entry.definition.consumes);
        if (!kinds.includes(kind))
          throw new UsageError(`Unknown kind ${kind}; known: ${kinds.sort().join(', ')}`);
        const payload = parseJson(options.payload);
        // The in-process queue lives in this process: run a worker here until the job is done.
        const inProcess = platform.config.queueDriver === 'memory';
        const worker = inProcess
          ? await startRunner(platform, { roles: ['worker'], port: 0, host: '127.0.0.1' })
          : undefined;
        try {
          const jobs = platform.httpCtx({
            correlationId: `cli:${kind}:${Date.now()}`,
            log: platform.log,
          }).jobs;
          const { jobId } = await jobs.trigger(kind, payload);
          console.log(`queued ${kind}: job ${jobId}`);
          if (inProcess || options.wait)
            console.log(JSON.stringify(await finished(platform, jobId), null, 2));
        } finally {
          await worker?.stop();
        }
      }),
    );

  const deadLetters = program.command('dead-letters').description('messages that could not be processed');
  deadLetters
    .command('list')
    .description('dead letters of every queue (or one), with their reason')
    .option('--queue <name>')
    .option('--limit <n>', 'per queue', '20')
    .action((options: { queue?: string; limit: string }) =>
      withPlatform(async (platform) => {
        for (const queue of queuesOf(platform, options.queue)) {
          const dead = await platform.driver.listDead(queue, Number(options.limit));
          console.log(`${queue}: ${dead.length} dead letter(s)`);
          for (const message of dead)
            console.log(
              `  ${message.deadId}  ${message.error ?? ''}\n    ${(message.rawBody ?? JSON.stringify(message.envelope)).slice(0, 200)}`,
            );
        }
      }),
    );
  deadLetters
    .command('replay')
    .description("put a queue's dead letters back, attempt reset to 1: the ids given, or --all")
    .argument('<queue>')
    .argument('[ids...]', 'dead letter ids, as `dead-letters list` prints them')
    .option('--all', 'every dead letter of the queue')
    .action((queue: string, ids: string[], options: { all?: boolean }) =>
      withPlatform(async (platform) => {
        if (ids.length > 0 === Boolean(options.all)) {
          throw new UsageError('Give the dead letter ids to replay, or --all (not both).');
        }
        const [name] = queuesOf(platform, queue);
        const replayed =
          ids.length > 0
            ? await platform.driver.replayDead(name!, { deadIds: ids })
            : await replayAll(platform.driver, name!);
        console.log(`${name}: ${replayed} dead letter(s) replayed`);
      }),
    );

  const schedules = program.command('schedules').description('the cron schedules of the functions');
  schedules
    .command('list')
    .description('every schedule with its cron and next run (UTC)')
    .action(() =>
      withPlatform(async (platform) => {
        for (const entry of platform.manifest.schedules) {
          const cron = entry.definition.cron(platform.config)?.trim();
          const next =
            cron && cron !== 'off' ? new Cron(cron, { timezone: 'UTC', paused: true }).nextRun() : null;
          console.log(
            `${entry.id}: ${cron ?? 'off'} → ${entry.definition.publishes}, next ${next?.toISOString() ?? '(disabled)'}`,
          );
        }
      }),
    );
  schedules
    .command('run')
    .description('fire a schedule now, as its cron would')
    .argument('<id>', 'e.g. imports-daily-schedule')
    .action((id: string) =>
      withPlatform(async (platform) => {
        const entry = platform.manifest.schedules.find((s) => s.id === id);
        if (!entry)
          throw new UsageError(
            `Unknown schedule ${id}; known: ${platform.manifest.schedules.map((s) => s.id).join(', ')}`,
          );
        const inProcess = platform.config.queueDriver === 'memory';
        const worker = inProcess
          ? await startRunner(platform, { roles: ['worker'], port: 0, host: '127.0.0.1' })
          : undefined;
        try {
          const { jobId } = await fireSchedule(entry.definition, platform, {
            correlationId: scheduleCorrelationId(id, `cli-${Date.now()}`),
          });
          console.log(`fired ${id}: job ${jobId}`);
          if (inProcess) console.log(JSON.stringify(await finished(platform, jobId), null, 2));
        } finally {
          await worker?.stop();
        }
      }),
    );
}

function queuesOf(platform: Platform, only?: string): string[] {
  const all = platform.manifest.tasks.map(queueName);
  if (!only) return all;
  if (!all.includes(only)) throw new UsageError(`Unknown queue ${only}; known: ${all.join(', ')}`);
  return [only];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--payload is not JSON: ${text}`);
  }
}

async function finished(platform: Platform, jobId: string): Promise<Job> {
  const jobs = platform.httpCtx({ correlationId: 'cli', log: platform.log }).jobs;
  for (;;) {
    const job = await jobs.get(jobId);
    if (job && ['succeeded', 'failed', 'dead'].includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const REPLAY_PAGE = 1000;

/**
 * Every dead letter of a queue, a page at a time, but no more than the queue held when asked: a
 * replayed message that fails again (a worker is running) must not keep the loop going.
 */
async function replayAll(driver: QueueDriver, queue: string): Promise<number> {
  const { dead } = await driver.depth(queue);
  let replayed = 0;
  while (replayed < dead) {
    const moved = await driver.replayDead(queue, { limit: Math.min(REPLAY_PAGE, dead - replayed) });
    replayed += moved;
    if (moved === 0) break;
  }
  return replayed;
}
