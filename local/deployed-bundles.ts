/**
 * The Lambda bundles `cdk synth` produces, each with exactly the environment its template gives it: what the deployed
 * functions are, so a test can load every one as Lambda would (and fail when one throws at module load), and the
 * bench can time their cold init against the AWS SDK's own floor.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO_ROOT = join(__dirname, '..');

/** Values the synthesized template's intrinsic functions resolve to here (a fictitious account in us-east-1). */
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** One deployed Node.js function: its bundle and the environment Lambda would start it with. */
export interface DeployedFunction {
  readonly logicalId: string;
  /** The construct path, e.g. `Coaching-dev/Api/ListInsights/Resource`. */
  readonly path: string;
  /** The bundle folder (Lambda's /var/task): `index.js`, its source map, and the prompts copy where bundled. */
  readonly assetDir: string;
  /** `<module>.<export>`, e.g. `index.handler`. */
  readonly handler: string;
  readonly environment: Readonly<Record<string, string>>;
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: {
    readonly Runtime?: string;
    readonly Handler?: string;
    readonly Environment?: { readonly Variables?: Readonly<Record<string, unknown>> };
    /** A nested stack's: the values the parent passes in for its parameters. */
    readonly Parameters?: Readonly<Record<string, unknown>>;
  };
  readonly Metadata?: { readonly 'aws:asset:path'?: string; readonly 'aws:cdk:path'?: string };
}

type Resources = Readonly<Record<string, TemplateResource>>;

/**
 * One template of the synthesized stack: the top-level one, or a nested stack's, whose parameters are what its parent
 * passes in (a route function's table name is a parameter of its capability's nested stack, the table's `Ref` in the
 * parent's template).
 */
interface LoadedTemplate {
  readonly resources: Resources;
  readonly outputs: Readonly<Record<string, { readonly Value: unknown }>>;
  readonly parent?: { readonly template: LoadedTemplate; readonly parameters: Readonly<Record<string, unknown>> };
  /** The nested stacks' templates, by the logical id of their `AWS::CloudFormation::Stack` resource. */
  readonly nested: Map<string, LoadedTemplate>;
}

/** The template in `file` of the cloud assembly, and below it those of its nested stacks (found by their asset path). */
const loadTemplate = (outdir: string, file: string, parent?: LoadedTemplate['parent']): LoadedTemplate => {
  const json = JSON.parse(readFileSync(join(outdir, file), 'utf8')) as {
    Resources?: Resources;
    Outputs?: LoadedTemplate['outputs'];
  };
  const template: LoadedTemplate = {
    resources: json.Resources ?? {},
    outputs: json.Outputs ?? {},
    ...(parent ? { parent } : {}),
    nested: new Map(),
  };
  for (const [logicalId, resource] of Object.entries(template.resources)) {
    const nestedFile = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::CloudFormation::Stack' || nestedFile === undefined) continue;
    const parameters = resource.Properties?.Parameters ?? {};
    template.nested.set(logicalId, loadTemplate(outdir, nestedFile, { template, parameters }));
  }
  return template;
};

/** The stack's template and every nested one below it, the top-level one first. */
const loadTemplates = (outdir: string, stackName: string): LoadedTemplate[] => {
  const all = (template: LoadedTemplate): LoadedTemplate[] => [template, ...[...template.nested.values()].flatMap(all)];
  return all(loadTemplate(outdir, `${stackName}.template.json`));
};

const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Coaching-dev',
};

/**
 * What `Ref` returns for each resource type the functions' environments name (as CloudFormation documents); a nested
 * template's parameter is what its parent passes in.
 */
const refOf = (logicalId: string, template: LoadedTemplate): string => {
  const pseudo = PSEUDO_PARAMETERS[logicalId];
  if (pseudo !== undefined) return pseudo;
  const { parent } = template;
  if (parent && logicalId in parent.parameters) return resolve(parent.parameters[logicalId], parent.template);
  const type = template.resources[logicalId]?.Type;
  switch (type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::Events::EventBus':
      return `Coaching-dev-${logicalId}`;
    case 'AWS::S3::Bucket':
      return `coaching-dev-${logicalId.toLowerCase()}`;
    case 'AWS::SQS::Queue':
      return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/Coaching-dev-${logicalId}`;
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:Coaching-dev-${logicalId}`;
    default:
      throw new Error(`Ref to ${logicalId} (${type ?? 'not in the template'}) has no stand-in value`);
  }
};

/** Resolves an environment value of the template (a string or an intrinsic function) to the string Lambda sees. */
const resolve = (value: unknown, template: LoadedTemplate): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const intrinsic = value as Record<string, unknown>;
  if (typeof intrinsic.Ref === 'string') return refOf(intrinsic.Ref, template);
  if (Array.isArray(intrinsic['Fn::GetAtt'])) {
    const [logicalId, attribute] = intrinsic['Fn::GetAtt'] as [string, string];
    const nested = template.nested.get(logicalId);
    const output = attribute.startsWith('Outputs.') ? nested?.outputs[attribute.slice('Outputs.'.length)] : undefined;
    if (nested && output) return resolve(output.Value, nested);
    if (attribute.endsWith('Url')) return `https://${logicalId.toLowerCase()}.lambda-url.${REGION}.on.aws/`;
    // A Bedrock knowledge base id is 10 letters and digits.
    if (attribute === 'KnowledgeBaseId') return 'STANDINKB1';
    return `arn:aws:stand-in:${REGION}:${ACCOUNT}:${logicalId}/${attribute}`;
  }
  if (Array.isArray(intrinsic['Fn::Join'])) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolve(part, template)).join(separator);
  }
  if (typeof intrinsic['Fn::Sub'] === 'string') {
    return intrinsic['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_, name: string) => refOf(name, template));
  }
  throw new Error(`No stand-in for the intrinsic ${JSON.stringify(value)}`);
};

/** Synthesizes the stack as CI and a deploy do (`cdk synth`, offline, esbuild bundling) into `outdir`. */
export const synthesize = async (outdir: string): Promise<void> => {
  await run(join(REPO_ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', outdir], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
  });
};

/**
 * The Node.js functions of a synthesized stack and its nested stacks whose code is one of our bundles (not CDK's own
 * handlers).
 */
export const deployedFunctions = (outdir: string, stackName = 'Coaching-dev'): DeployedFunction[] =>
  loadTemplates(outdir, stackName).flatMap((template) => functionsOf(outdir, template));

const functionsOf = (outdir: string, template: LoadedTemplate): DeployedFunction[] =>
  Object.entries(template.resources).flatMap(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || !properties.Runtime?.startsWith('nodejs')) return [];
    if (assetPath === undefined || !existsSync(join(outdir, assetPath, 'index.js'))) return [];
    const variables = properties.Environment?.Variables ?? {};
    return [
      {
        logicalId,
        path: resource.Metadata?.['aws:cdk:path'] ?? logicalId,
        assetDir: join(outdir, assetPath),
        handler: properties.Handler ?? 'index.handler',
        environment: Object.fromEntries(
          Object.entries(variables).map(([name, value]) => [name, resolve(value, template)]),
        ),
      },
    ];
  });

/** A layer of a synthesized stack whose code is ours: its asset folder is what Lambda mounts at /opt. */
export interface DeployedLayer {
  readonly logicalId: string;
  readonly path: string;
  readonly assetDir: string;
}

/**
 * The layers of a synthesized stack and its nested stacks that carry Node.js packages (`nodejs/node_modules`), as
 * staged assets.
 */
export const deployedLayers = (outdir: string, stackName = 'Coaching-dev'): DeployedLayer[] =>
  loadTemplates(outdir, stackName).flatMap((template) => layersOf(outdir, template));

const layersOf = (outdir: string, template: LoadedTemplate): DeployedLayer[] =>
  Object.entries(template.resources).flatMap(([logicalId, resource]) => {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::LayerVersion' || assetPath === undefined) return [];
    if (!existsSync(join(outdir, assetPath, 'nodejs', 'node_modules'))) return [];
    return [{ logicalId, path: resource.Metadata?.['aws:cdk:path'] ?? logicalId, assetDir: join(outdir, assetPath) }];
  });

/**
 * What the Lambda Node.js runtime adds to a function's own environment. The AWS SDK the runtime ships (and the
 * bundles leave out) resolves from the repository's node_modules, as it does from /var/runtime/node_modules there.
 */
const runtimeEnvironment = (fn: DeployedFunction): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  NODE_PATH: join(REPO_ROOT, 'node_modules'),
  AWS_REGION: REGION,
  AWS_DEFAULT_REGION: REGION,
  AWS_ACCESS_KEY_ID: 'ASIASTANDIN',
  AWS_SECRET_ACCESS_KEY: 'stand-in',
  AWS_SESSION_TOKEN: 'stand-in',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  LAMBDA_TASK_ROOT: fn.assetDir,
  _HANDLER: fn.handler,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  ...fn.environment,
});

/**
 * Times `require()` of the modules named after the export name (in this fresh process) and checks that the last
 * module's export of that name is a function (no check with an empty name); prints a LoadResult as JSON.
 */
const LOAD_PROBE = `
const { performance } = require('node:perf_hooks');
const [exportName, ...modules] = process.argv.slice(1);
const started = performance.now();
const cpu = process.cpuUsage();
const times = () => {
  const used = process.cpuUsage(cpu);
  return { initMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
};
try {
  const loaded = modules.map((name) => require(name)).at(-1);
  const measured = times();
  const ok = !exportName || typeof loaded[exportName] === 'function';
  process.stdout.write(JSON.stringify({ ok, ...measured, ...(ok ? {} : { error: exportName + ' is not a function' }) }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, ...times(), error: String((error && error.stack) || error) }));
}`;

/** How loading a bundle went. */
export interface LoadResult {
  readonly ok: boolean;
  /** Wall milliseconds of the `require()`: module-scope config, clients, middleware, schemas. */
  readonly initMs: number;
  /**
   * CPU milliseconds the process spent in that `require()`: what the init costs, without the time other processes
   * on a shared machine took from it (the steadier figure to compare).
   */
  readonly cpuMs: number;
  readonly error?: string;
}

const probe = async (
  exportName: string,
  modules: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<LoadResult> => {
  const { stdout } = await run(process.execPath, ['-e', LOAD_PROBE, exportName, ...modules], {
    cwd,
    env,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as LoadResult;
};

/** Loads a deployed bundle in a fresh Node.js process, as Lambda's init does, with the function's environment. */
export const loadDeployedFunction = (fn: DeployedFunction): Promise<LoadResult> => {
  const [file, exportName] = fn.handler.split('.') as [string, string];
  return probe(exportName, [join(fn.assetDir, `${file}.js`)], fn.assetDir, runtimeEnvironment(fn));
};

/**
 * Loads a layer's package the two ways a bundle can reach it, and checks the named export of each: `require()` (what
 * esbuild makes of a static import of an external) and `import()` (what it keeps of a dynamic one, which sees a
 * CommonJS module's names only where Node's static analysis finds them). Prints a LoadResult as JSON.
 */
const LAYER_PROBE = `
const { performance } = require('node:perf_hooks');
const { pathToFileURL } = require('node:url');
const [moduleName, exportName] = process.argv.slice(1);
const started = performance.now();
const cpu = process.cpuUsage();
(async () => {
  const file = require.resolve(moduleName);
  const kinds = [typeof require(file)[exportName], typeof (await import(pathToFileURL(file).href))[exportName]];
  const used = process.cpuUsage(cpu);
  const ok = kinds.every((kind) => kind === 'function');
  process.stdout.write(JSON.stringify({ ok, initMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000,
    ...(ok ? {} : { error: exportName + ' by require() and import(): ' + kinds.join(', ') }) }));
})().catch((error) => process.stdout.write(JSON.stringify({ ok: false, initMs: 0, cpuMs: 0, error: String(error) })));`;

/**
 * Loads `moduleName` from a layer only (NODE_PATH is the layer's `nodejs/node_modules`, as /opt/nodejs/node_modules
 * in Lambda, and nothing else) in a fresh process with the function's environment, checking its export `exportName`
 * both by `require()` and by `import()`.
 */
export const loadFromLayer = async (
  layer: DeployedLayer,
  moduleName: string,
  exportName: string,
  fn: DeployedFunction,
): Promise<LoadResult> => {
  const { stdout } = await run(process.execPath, ['-e', LAYER_PROBE, moduleName, exportName], {
    cwd: fn.assetDir,
    env: { ...runtimeEnvironment(fn), NODE_PATH: join(layer.assetDir, 'nodejs', 'node_modules') },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as LoadResult;
};

/**
 * The floor every DynamoDB-reading function pays anyway: `require()` of the DynamoDB client and document client the
 * runtime ships, in a fresh process. Cold-start figures are ratios to this, measured in the same run.
 */
export const loadSdkFloor = (): Promise<LoadResult> =>
  probe('', ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'], REPO_ROOT, {
    PATH: process.env.PATH,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
