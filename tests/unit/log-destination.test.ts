import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/observability/logger.ts';
import { logDestination } from '../../scripts/lib/log-destination.ts';

/** The runner's log lines: readable for a person at a terminal, JSON lines for anything else. */
function terminal(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { out, text: () => text };
}

describe('logDestination', () => {
  it('prints readable lines at a terminal, with the fields that matter', () => {
    const { out, text } = terminal(true);
    createLogger('info', { destination: logDestination(out, 'auto') }).info(
      { correlationId: 'c-1' },
      'task succeeded',
    );
    expect(text()).toMatch(/INFO.*task succeeded/);
    expect(text()).toMatch(/correlationId.*c-1/);
    expect(() => JSON.parse(text())).toThrow();
  });

  it('keeps JSON lines for a pipe, a file or a collector, and when LOG_FORMAT=json', () => {
    expect(logDestination(terminal(false).out, 'auto')).toBeUndefined();
    expect(logDestination(terminal(true).out, 'json')).toBeUndefined();
    expect(logDestination(terminal(false).out, 'pretty')).toBeDefined();
  });
});
