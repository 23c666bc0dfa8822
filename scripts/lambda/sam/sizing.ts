import type { FunctionDefinition } from '../../../shared/contract/index.ts';
import type { FunctionEntry } from '../../../shared/runtime/manifest.ts';

export interface LambdaSize {
  memoryMb: number;
  timeoutSeconds: number;
}

/**
 * Defaults by trigger; a definition's `lambda` field overrides either value. HTTP stops at 29 s
 * because API Gateway's HTTP API gives up on an integration after 30 s: a longer Lambda would
 * keep running (and billing) after the client got its 503.
 */
export const DEFAULT_SIZES: Record<FunctionDefinition['type'], LambdaSize> = {
  http: { memoryMb: 512, timeoutSeconds: 29 },
  task: { memoryMb: 512, timeoutSeconds: 60 },
  schedule: { memoryMb: 256, timeoutSeconds: 30 },
};

/** Lambda's own limits, and HTTP API's integration timeout for HTTP functions. */
const MEMORY_MB = { min: 128, max: 10_240 };
const MAX_TIMEOUT_SECONDS: Record<FunctionDefinition['type'], number> = {
  http: 30,
  task: 900,
  schedule: 900,
};

export function lambdaSize(entry: FunctionEntry): LambdaSize {
  const { type, lambda } = entry.definition;
  const size = { ...DEFAULT_SIZES[type], ...lambda };
  const { memoryMb, timeoutSeconds } = size;
  if (!Number.isInteger(memoryMb) || memoryMb < MEMORY_MB.min || memoryMb > MEMORY_MB.max) {
    throw new TypeError(
      `${entry.file}: lambda.memoryMb must be an integer in ${MEMORY_MB.min}..${MEMORY_MB.max}, got ${memoryMb}`,
    );
  }
  const maxTimeout = MAX_TIMEOUT_SECONDS[type];
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > maxTimeout) {
    throw new TypeError(
      `${entry.file}: lambda.timeoutSeconds must be an integer in 1..${maxTimeout} for a ${type} function, got ${timeoutSeconds}`,
    );
  }
  return { memoryMb, timeoutSeconds };
}
