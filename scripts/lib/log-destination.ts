import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';

/**
 * Where the runner's log lines go: readable lines for a person at a terminal, JSON lines for
 * everything else (a container's log collector, a pipe, a file), as LOG_FORMAT `auto` decides;
 * `json` and `pretty` force one. Kept out of shared/: only the local runner prints to a person, and
 * a Lambda bundle must not carry a pretty-printer.
 *
 * @example
 *   const log = createLogger(config.LOG_LEVEL, { destination: logDestination(process.stdout, config.LOG_FORMAT) });
 */
export function logDestination(
  out: NodeJS.WritableStream & { isTTY?: boolean },
  format: 'auto' | 'json' | 'pretty',
): DestinationStream | undefined {
  if (format === 'json' || (format === 'auto' && !out.isTTY)) return undefined;
  return pretty({
    destination: out,
    colorize: true,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // On every line and never news to the reader.
    ignore: 'pid,hostname,service',
  });
}
