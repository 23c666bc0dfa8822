import type { Plugin } from 'esbuild';

const NAMESPACE = 'pino-without-transports';

/** pino's modules that serve transports only, and what stands in for them. */
const STAND_INS: Record<string, string> = {
  // pino asks for its callers' file names on every `pino()` call, only to resolve a transport's
  // relative target. Under `--enable-source-maps` (as on Lambda) the look-up maps the call sites
  // through the bundle's source map, and the first mapping parses the whole map: ~70 ms of every
  // cold start (measured with `--cpu-prof` on platform-healthz), for nothing.
  caller: 'module.exports = function getCallers() { return []; };',
  // The worker-thread transports (thread-stream and its helpers, ~12 KB parsed at each start).
  transport: `module.exports = function transport() {
  throw new Error('pino transports are left out of Lambda bundles: log to stdout');
};`,
};

/**
 * Leaves pino's transports out of a bundle: the Lambda logger writes JSON lines to stdout and
 * never configures one (shared/observability/logger.ts). What remains of pino is unchanged.
 */
export function pinoWithoutTransports(): Plugin {
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: /^\.\.?\/(lib\/)?(caller|transport)$/ }, (args) => {
        const name = args.path.split('/').at(-1)!;
        const inPino = /[\\/]node_modules[\\/]pino[\\/](pino\.js|lib[\\/][^\\/]+\.js)$/.test(args.importer);
        return inPino ? { path: name, namespace: NAMESPACE } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: STAND_INS[args.path],
        loader: 'js',
      }));
    },
  };
}
