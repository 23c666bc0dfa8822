/**
 * `npm run invoke -- <function id> --event <file.json | ->`: run one built Lambda bundle
 * (dist/lambda/<id>/index.mjs) on its event(s) in a fresh Node process, as Lambda would.
 * Prints the result(s) as JSON on stdout, then the bundle's logs and a timing line on stderr.
 * Exit code 1 when an invocation failed, 2 on bad arguments.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, parseEnv } from 'node:util';
import { useDevSecrets } from '../shared/auth/dev-secrets.ts';
import {
  BundleNotFoundError,
  invokeBundle,
  InvokeError,
  type Invocation,
  type SerializedError,
} from './lambda/invoke.ts';

const USAGE = `Usage: npm run invoke -- <function id> --event <file.json | -> [options]

  --event file.json | -     the event; '-' reads stdin; a JSON array is several events, invoked one
                            after the other in the same (then warm) process; repeatable
  --env-file .env           variables for the function (default: ./.env when there is one; the shell's
                            own environment is not passed on, as on Lambda; NODE_ENV=production and
                            the AWS_LAMBDA_* variables are set). JWT_SECRET and SESSION_SECRET, when
                            not set, are the development ones \`npm start\` keeps in DATA_DIR
                            (default .data)/secrets.json. DATABASE_URL is required: a real Postgres
  --env NAME=value          one more variable; repeatable, wins over --env-file
  --memory 1024             AWS_LAMBDA_FUNCTION_MEMORY_SIZE in MB (and the heap cap)
  --timeout 30000           ms before the run is stopped

Build the bundles first with \`npm run build\`. Events come from \`npm run event\`, e.g.
  npm run -s event -- http --path /healthz | npm run invoke -- platform-healthz --event -`;

const root = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_ENV_FILE = '.env';
const distDir = path.join(root, 'dist', 'lambda');

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      event: { type: 'string', multiple: true, default: [] },
      'env-file': { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
      memory: { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  const [id, ...extra] = positionals;
  if (!id || extra.length > 0) throw new UsageError('give exactly one function id');
  if (values.event.length === 0) throw new UsageError('--event is required');
  const events = values.event.flatMap(readEvents);
  const envFile = values['env-file'] ?? (existsSync(DEFAULT_ENV_FILE) ? DEFAULT_ENV_FILE : undefined);
  const env: Record<string, string> = {
    ...(envFile ? readEnvFile(envFile) : {}),
    ...Object.fromEntries(values.env.map(envPair)),
  };
  if (envFile) console.error(`invoke: variables from ${envFile}`);
  const bundleDir = path.join(distDir, id);
  if (!existsSync(path.join(bundleDir, 'index.mjs'))) return noBundle(id, bundleDir);
  // Sign like the local runner, so a token or cookie from `npm start` works in the bundle too.
  const devEnv: Record<string, string | undefined> = developmentEnv(env);
  const devSecrets = await useDevSecrets(devEnv);
  if (devSecrets) {
    for (const name of devSecrets.names) env[name] = devEnv[name]!;
    console.error(
      `invoke: ${devSecrets.names.join(' and ')} from ${path.relative(process.cwd(), devSecrets.file)} (the development secrets of npm start)`,
    );
  }
  if (!env.DATABASE_URL) {
    console.error(
      `invoke: ${id} needs DATABASE_URL. On Lambda every function uses a real Postgres (the embedded one ` +
        'lives inside `npm start`): set it in .env or add --env DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ' +
        '(after `npm run migrate` with the same DATABASE_URL).',
    );
    return 1;
  }

  let run;
  try {
    run = await invokeBundle({
      bundleDir,
      functionName: id,
      events,
      env,
      ...(values.memory ? { memoryMb: positiveInteger(values.memory, '--memory') } : {}),
      ...(values.timeout ? { timeoutMs: positiveInteger(values.timeout, '--timeout') } : {}),
    });
  } catch (err) {
    if (err instanceof BundleNotFoundError) return noBundle(id, err.bundleDir);
    if (err instanceof InvokeError) {
      process.stderr.write(err.partial.logs);
      console.error(`invoke: ${err.message}`);
      return 1;
    }
    throw err;
  }

  if (run.initError) {
    console.log(JSON.stringify(lambdaError(run.initError), null, 2));
  } else {
    const payloads = run.invocations.map(payloadOf);
    console.log(JSON.stringify(payloads.length === 1 ? payloads[0] : payloads, null, 2));
  }
  process.stderr.write(run.logs);
  console.error(summary(run.initMs, run.invocations, run.totalMs));
  if (!run.initError && run.invocations.length < events.length) {
    console.error(`invoke: ${events.length - run.invocations.length} event(s) not run after a timeout`);
  }
  const failed =
    run.initError || run.invocations.some((i) => i.error) || run.invocations.length < events.length;
  return failed ? 1 : 0;
}

function readEvents(source: string): unknown[] {
  let text: string;
  try {
    text = source === '-' ? readFileSync(0, 'utf8') : readFileSync(source, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --event ${source}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--event ${source} is not JSON: ${(err as Error).message}`);
  }
  // No Lambda trigger delivers a bare array, so an array is a list of events.
  return Array.isArray(json) ? json : [json];
}

function readEnvFile(file: string): Record<string, string> {
  if (!existsSync(file)) throw new UsageError(`--env-file ${file} does not exist`);
  return Object.fromEntries(
    Object.entries(parseEnv(readFileSync(file, 'utf8'))).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}

/**
 * Where the development secrets come from: the function's DATA_DIR, else the shell's (as
 * `npm start` would see it). The bundle itself runs with NODE_ENV=production, which never makes
 * secrets up; this tool, like the runner, is development.
 */
function developmentEnv(env: Record<string, string>) {
  const dataDir = env.DATA_DIR || process.env.DATA_DIR;
  return {
    NODE_ENV: 'development',
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    ...(env.JWT_SECRET ? { JWT_SECRET: env.JWT_SECRET } : {}),
    ...(env.SESSION_SECRET ? { SESSION_SECRET: env.SESSION_SECRET } : {}),
  };
}

function envPair(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`expected --env NAME=value, got '${text}'`);
  return [text.slice(0, at), text.slice(at + 1)];
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a whole number >= 1, got '${text}'`);
  return n;
}

/** What Lambda returns to the caller: the result, or its error document. */
function payloadOf(invocation: Invocation): unknown {
  return invocation.error ? lambdaError(invocation.error) : invocation.result;
}

function lambdaError(error: SerializedError) {
  return {
    errorType: error.name,
    errorMessage: error.message,
    trace: error.stack?.split('\n') ?? [],
  };
}

function summary(initMs: number, invocations: Invocation[], totalMs: number): string {
  const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
  const invokes = invocations.map((i) => ms(i.durationMs)).join(', ') || '—';
  return `init ${ms(initMs)} · invoke ${invokes} · total ${ms(totalMs)} (with process start)`;
}

function noBundle(id: string, bundleDir: string): number {
  console.error(`invoke: no bundle for '${id}' (${path.relative(root, bundleDir)}/index.mjs).`);
  console.error(`Run \`npm run build\` first.${builtList()}`);
  return 1;
}

function builtList(): string {
  if (!existsSync(distDir)) return '';
  const built = readdirSync(distDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  return built.length > 0 ? `\nBuilt bundles: ${built.join(', ')}` : '';
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const code = (err as { code?: string }).code ?? '';
  if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
    console.error(`invoke: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  throw err;
}
