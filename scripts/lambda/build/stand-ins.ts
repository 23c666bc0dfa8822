import type { Plugin } from 'esbuild';

/**
 * A module of a bundled library that our Lambda code never runs, replaced by a stand-in so it is
 * neither parsed nor evaluated at a cold start. Each one is a decision: say why it is never run.
 */
interface StandIn {
  /** The `require()` or `import` as the library writes it. */
  request: string;
  /** The library file that makes it. */
  importer: RegExp;
  contents: string;
}

const notInstalled = (name: string) =>
  `const err = new Error("Cannot find module '${name}'"); err.code = 'MODULE_NOT_FOUND'; throw err;`;

export const STAND_INS: readonly StandIn[] = [
  // pino asks for its callers' file names on every `pino()` call, only to resolve a transport's
  // relative target, and our logger never configures a transport (it writes to stdout). Under
  // `--enable-source-maps` (as on Lambda) the look-up maps the call sites through the bundle's
  // source map, and the first mapping parses the whole map: ~70 ms of every cold start
  // (measured with `--cpu-prof` on platform-healthz), for nothing.
  {
    request: './lib/caller',
    importer: /[\\/]pino[\\/]pino\.js$/,
    contents: 'module.exports = function getCallers() { return []; };',
  },
  // The worker-thread transports themselves (thread-stream and its helpers, ~12 KB).
  {
    request: './transport',
    importer: /[\\/]pino[\\/]lib[\\/]tools\.js$/,
    contents:
      "module.exports = function transport() { throw new Error('pino transports are not bundled'); };",
  },
  {
    request: './lib/transport',
    importer: /[\\/]pino[\\/]pino\.js$/,
    contents:
      "module.exports = function transport() { throw new Error('pino transports are not bundled'); };",
  },
  // pg's native client (~8.5 KB) only wraps pg-native, which is never installed (bundle.ts leaves
  // it out): it fails as pg expects when pg-native is missing.
  { request: './native', importer: /[\\/]pg[\\/]lib[\\/]index\.js$/, contents: notInstalled('pg-native') },
];

const NAMESPACE = 'stand-in';

/** Serves the stand-ins above in place of the modules they replace. */
export function standIns(): Plugin {
  return {
    name: 'stand-ins',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const index = STAND_INS.findIndex(
          (standIn) => standIn.request === args.path && standIn.importer.test(args.importer),
        );
        return index === -1 ? undefined : { path: String(index), namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: STAND_INS[Number(args.path)]!.contents,
        loader: 'js',
      }));
    },
  };
}
