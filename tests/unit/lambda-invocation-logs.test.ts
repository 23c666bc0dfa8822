import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { invocationFields, invocationScope } from '../../shared/lambda/invocation.ts';
import { createLogger } from '../../shared/observability/logger.ts';

/** Log lines of a Lambda container, parsed one by one. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', {
    mixin: invocationFields,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { log, lines };
}

function invoke(requestId: string, body: () => void) {
  const scope = invocationScope();
  const request = { context: { awsRequestId: requestId } as Context } as Parameters<
    NonNullable<typeof scope.before>
  >[0];
  void scope.before?.(request);
  try {
    body();
  } finally {
    void scope.after?.(request);
  }
}

describe('Lambda log lines', () => {
  it("carry their invocation's request id and nothing of an earlier line", () => {
    const { log, lines } = capture();
    invoke('req-1', () => {
      log.warn({ reason: 'malformed body', queue: 'q' }, 'malformed message dead-lettered');
      log.info({ durationMs: 12 }, 'task succeeded');
    });
    invoke('req-2', () => log.info('task succeeded'));
    log.info('between invocations');

    expect(lines.map((line) => [line.msg, line.awsRequestId])).toEqual([
      ['malformed message dead-lettered', 'req-1'],
      ['task succeeded', 'req-1'],
      ['task succeeded', 'req-2'],
      ['between invocations', undefined],
    ]);
    expect(lines[0]).toMatchObject({ reason: 'malformed body', queue: 'q' });
    for (const line of lines.slice(1)) {
      expect(line).not.toHaveProperty('reason');
      expect(line).not.toHaveProperty('queue');
    }
    expect(lines[2]).not.toHaveProperty('durationMs');
  });
});
