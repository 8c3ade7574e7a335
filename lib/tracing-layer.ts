import * as path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import type { Construct } from 'constructs';
import { rootStackOf } from './stacks';

/** The package the layer carries; the functions' bundles leave it out (externalModules) and load it from the layer. */
export const TRACER_MODULE = '@aws-lambda-powertools/tracer';

/** Where Lambda's Node.js runtime resolves a layer's packages: `/opt/nodejs/node_modules`. */
const LAYER_MODULE_PATH = path.join('nodejs', 'node_modules', TRACER_MODULE, 'index.js');

const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * Bundles Powertools Tracer, with the X-Ray SDK it wraps, into one file as Lambda's runtime loads a layer's package
 * (esbuild, minified, CommonJS; the AWS SDK left to the runtime, as in the functions' bundles).
 */
const bundleTracer = (outputDir: string): boolean => {
  buildSync({
    // Named exports, so an ESM import() (the bundles' dynamic import of an external) sees `Tracer` too.
    stdin: { contents: `export { Tracer } from '${TRACER_MODULE}';`, resolveDir: REPO_ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    outfile: path.join(outputDir, LAYER_MODULE_PATH),
    logLevel: 'error',
  });
  return true;
};

/**
 * The Lambda layer with Powertools Tracer, one per deployment (TracingLayer.of): in the top-level stack, and passed to
 * the functions of its nested stacks as a parameter. The X-Ray SDK it brings is ~124 KB of
 * code, more than the room the largest bundles have under the cold-start budget (bench/bundles.ts), and the code
 * loads it with the first invocation only (functions/shared/tracing.ts), so it ships here, beside the bundles. Built
 * with local esbuild at synth (no Docker), from the version in package-lock.json.
 */
export class TracingLayer extends LayerVersion {
  /** The deployment's tracing layer (in the top-level stack of `scope`), made on first use. */
  static of(scope: Construct): TracingLayer {
    const stack = rootStackOf(scope);
    const existing = stack.node.tryFindChild('TracingLayer');
    return existing instanceof TracingLayer ? existing : new TracingLayer(stack, 'TracingLayer');
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id, {
      description: `${TRACER_MODULE} (Powertools Tracer and the AWS X-Ray SDK), loaded by the functions when they trace`,
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [Architecture.ARM_64],
      code: Code.fromAsset(path.join(REPO_ROOT, 'node_modules', TRACER_MODULE), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: the local bundling always succeeds (esbuild is a devDependency).
          image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
          local: { tryBundle: bundleTracer },
        },
      }),
    });
  }
}
