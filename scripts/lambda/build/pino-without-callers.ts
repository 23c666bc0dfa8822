import type { Plugin } from 'esbuild';

/**
 * Replaces pino's `lib/caller.js` with a function that finds no callers. pino asks for its
 * callers' file names on every `pino()` call, only to resolve a transport's relative target; we
 * never configure a transport. Under `--enable-source-maps` (as on Lambda) that look-up maps the
 * call sites through the bundle's source map, and the first mapping parses the whole map: ~70 ms
 * of every cold start (measured with `--cpu-prof` on platform-healthz), for nothing.
 */
export function pinoWithoutCallers(): Plugin {
  return {
    name: 'pino-without-callers',
    setup(build) {
      build.onResolve({ filter: /^\.\/lib\/caller$/ }, (args) =>
        /[\\/]pino[\\/]pino\.js$/.test(args.importer)
          ? { path: 'pino-caller', namespace: 'pino-without-callers' }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'pino-without-callers' }, () => ({
        contents: 'module.exports = function getCallers() { return []; };',
        loader: 'js',
      }));
    },
  };
}
