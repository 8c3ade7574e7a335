/**
 * The prompt registry's admin CLI (`npm run prompts -- <command>`): validate template files, publish them, list
 * topics and versions, move labels, roll back and compare versions. It parses arguments, calls the PromptRegistry
 * and prints; the registry holds every rule.
 *
 * Stores: with PROMPTS_BUCKET set, the configured bucket and PROMPT_INDEX_TABLE with the standard AWS credential
 * chain; otherwise the embedded stores of a running `npm start`, whose environment the dev server writes to
 * `.local/dev-endpoints.json` (`--endpoints <file>` reads another file). `validate` needs no stores.
 */
import '../local/cli-env';
import { DEV_ENDPOINTS_FILE } from '../local/dev-endpoints';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  promptLabelSchema,
  promptLabels,
  type LabelRecord,
  type PromptLabel,
} from '../functions/shared/prompts/prompt-index';
import type { PromptTemplate } from '../functions/shared/prompts/template';
import { templateKey } from '../functions/shared/prompts/template-content';
import { validateTemplate } from '../functions/shared/prompts/validate';
import type { PromptRegistry } from '../functions/prompt-admin/service';
import { AppError, type FieldProblem, UnprocessableError } from '../functions/shared/errors';

type Env = Readonly<Record<string, string | undefined>>;

const NO_STORES =
  'No prompt stores configured: start the dev server with npm start, or set PROMPTS_BUCKET and PROMPT_INDEX_TABLE';

const USAGE = `Usage: npm run prompts -- <command> [options]

Commands:
  validate [path]                     validate a template file (anywhere), or every *.json under a folder, each of
                                      which must sit at <topic>/<version>.json (default: the prompts folder)
  push <file> [--label <label>]       publish a template file from anywhere (its content names topic and version)
  list [topic]                        every topic with its labels, or one topic's versions and labels
  label <topic> <version> <label>     point a label at a version
  rollback <topic>                    move production back to the version it pointed at before
  diff <topic> <from> <to>            the fields that changed between two versions, and a unified diff

Labels: ${promptLabels.join(', ')}

Options:
  --as <name>         who is recorded as publisher or label mover (default: $USER, else cli)
  --endpoints <file>  the dev server's endpoints file, used when PROMPTS_BUCKET is unset
                      (default: .local/dev-endpoints.json, written by npm start)
  -h, --help          this text

Stores: with PROMPTS_BUCKET set, that bucket and PROMPT_INDEX_TABLE through the standard AWS credential chain;
otherwise the embedded stores of a running npm start. validate needs neither.
Exit codes: 0 done, 1 invalid, rejected or failed, 2 usage error.`;

/** A command line the CLI cannot run; printed with the usage text, exit code 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The options every command accepts, as node:util parseArgs reads them. */
const OPTIONS = {
  label: { type: 'string' },
  as: { type: 'string' },
  endpoints: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The endpoints file of `npm start`: the environment variables that reach its embedded stores. */
const endpointsSchema = z.record(z.string(), z.string());

/** One indented `field: message` line per problem. */
const problemLines = (problems: readonly FieldProblem[]): string[] =>
  problems.map((problem) => `  ${problem.field}: ${problem.message}`);

/** Left-aligned columns, two spaces apart. */
const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

/** Where a label points, and who moved it when. */
const labelSummary = (record: LabelRecord): string =>
  `${record.topic} ${record.label} -> ${record.version} (moved by ${record.movedBy} at ${record.movedAt})`;

/** A label named on the command line, or a UsageError. */
const parseLabel = (value: string): PromptLabel => {
  const parsed = promptLabelSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`"${value}" is not a label; use ${promptLabels.join(' or ')}`);
  return parsed.data;
};

/** The positional arguments a command needs, exactly as many as named, or a UsageError naming them. */
const required = <const Names extends readonly string[]>(
  args: readonly string[],
  names: Names,
): { readonly [K in keyof Names]: string } => {
  if (args.length !== names.length) throw new UsageError(`expected ${names.map((name) => `<${name}>`).join(' ')}`);
  return args as unknown as { readonly [K in keyof Names]: string };
};

/**
 * The environment of the target stores: the given one when PROMPTS_BUCKET is set (PROMPT_INDEX_TABLE is then
 * required, since deployed table names are generated), else the given one overlaid with the dev server's endpoints.
 */
const storeEnv = (env: Env, endpointsFile: string): Env => {
  if (env.PROMPTS_BUCKET) {
    if (!env.PROMPT_INDEX_TABLE) throw new Error('PROMPTS_BUCKET is set but PROMPT_INDEX_TABLE is not; set both');
    return env;
  }
  let text: string;
  try {
    text = readFileSync(endpointsFile, 'utf8');
  } catch {
    throw new Error(`${NO_STORES} (no ${endpointsFile})`);
  }
  try {
    return { ...env, ...endpointsSchema.parse(JSON.parse(text)) };
  } catch {
    throw new Error(`${endpointsFile} is not an endpoints file (a JSON object of strings); restart npm start`);
  }
};

/**
 * Applies an environment to process.env; call it before importing anything that reads config (parsed once, on first
 * use). The registry's info logs (label moved, rolled back) stay quiet unless POWERTOOLS_LOG_LEVEL says otherwise.
 */
const applyEnv = (env: Env): void => {
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'WARN', ...env });
};

/** The registry of the production wiring, built on the given environment. */
const loadRegistry = async (env: Env): Promise<PromptRegistry> => {
  applyEnv(env);
  return (await import('../functions/prompt-admin/wiring')).promptRegistry();
};

/** Every *.json file under a folder. */
const templateFiles = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(folder, name));

/** `<folder>/<file name>` of a path, as a bucket key would name it. */
const keyOf = (file: string): string => `${basename(dirname(resolve(file)))}/${basename(file)}`;

/** A valid template's file in a prompts folder must sit where the bucket keeps it: `<topic>/<version>.json`. */
const pathProblems = (file: string, template: PromptTemplate): FieldProblem[] => {
  const expected = templateKey(template.topic, template.version);
  return keyOf(file) === expected
    ? []
    : [{ field: '(path)', message: `is ${keyOf(file)} but the template is ${expected}` }];
};

/**
 * `validate [path]`: a file (anywhere), or every file under a folder with the path check; OK or every problem of each;
 * 1 when any is invalid. The one template validation reads each file (its nesting depth is checked before any walk).
 */
const validate = async (path: string, env: Env): Promise<number> => {
  applyEnv(env);
  const limits = (await import('../functions/shared/adapters')).templateLimits();
  const inFolder = statSync(path).isDirectory();
  const files = inFolder ? templateFiles(path) : [path];
  if (files.length === 0) throw new Error(`no *.json files under ${path}`);
  let invalid = 0;
  for (const file of files) {
    const validation = validateTemplate(readFileSync(file, 'utf8'), limits);
    const problems = !validation.ok ? validation.problems : inFolder ? pathProblems(file, validation.template) : [];
    if (problems.length > 0) invalid += 1;
    console.log([`${problems.length === 0 ? 'OK     ' : 'INVALID'}  ${file}`, ...problemLines(problems)].join('\n'));
  }
  console.log(`${files.length} file(s): ${files.length - invalid} valid, ${invalid} invalid`);
  return invalid === 0 ? 0 : 1;
};

/** `push <file>`: publishes the file (from anywhere) under the topic and version it names, optionally labelled. */
const push = async (
  registry: PromptRegistry,
  file: string,
  by: string,
  label: PromptLabel | undefined,
): Promise<number> => {
  const result = await registry.publish(undefined, readFileSync(file, 'utf8'), by, label);
  const { topic, version, checksum } = result.record;
  console.log(
    result.created
      ? `created ${topic} ${version} (checksum ${checksum.slice(0, 12)})`
      : `${topic} ${version} is already published with the same content; nothing changed`,
  );
  if (result.label) console.log(labelSummary(result.label));
  return 0;
};

/** `list`: every topic with its labelled versions, version count and latest version. */
const list = async (registry: PromptRegistry): Promise<number> => {
  const topics = await registry.topics();
  if (topics.length === 0) {
    console.log('no topics');
    return 0;
  }
  console.log(
    table([
      ['TOPIC', ...promptLabels.map((label) => label.toUpperCase()), 'VERSIONS', 'LATEST'],
      ...topics.map((summary) => [
        summary.topic,
        ...promptLabels.map((label) => summary.labels[label] ?? '-'),
        String(summary.versions),
        summary.latestVersion ?? '-',
      ]),
    ]),
  );
  return 0;
};

/** `list <topic>`: the topic's versions (newest first) and its labels with their earlier versions. */
const listVersions = async (registry: PromptRegistry, topic: string): Promise<number> => {
  const { versions, labels } = await registry.versions(topic);
  const labelsOf = (version: string): string =>
    labels
      .filter((label) => label.version === version)
      .map((label) => label.label)
      .join(',') || '-';
  console.log(
    table([
      ['VERSION', 'STATUS', 'PROBLEMS', 'CREATED BY', 'CREATED AT', 'LABELS', 'TITLE'],
      ...versions.map((record) => [
        record.version,
        record.status,
        String(record.problems.length),
        record.createdBy,
        record.createdAt,
        labelsOf(record.version),
        record.title ?? '',
      ]),
    ]),
  );
  console.log('');
  console.log(
    labels.length === 0
      ? 'no labels'
      : table([
          ['LABEL', 'VERSION', 'MOVED BY', 'MOVED AT', 'BEFORE'],
          ...labels.map((label) => [
            label.label,
            label.version,
            label.movedBy,
            label.movedAt,
            label.history
              .map((move) => move.version)
              .reverse()
              .join(', ') || '-',
          ]),
        ]),
  );
  return 0;
};

/** `diff <topic> <from> <to>`: the changed fields and a unified diff. */
const diff = async (registry: PromptRegistry, topic: string, from: string, to: string): Promise<number> => {
  const result = await registry.diff(topic, from, to);
  console.log(`changed fields: ${result.changedFields.join(', ') || 'none'}`);
  console.log(result.unified.trimEnd());
  return 0;
};

/** What to print for a failure: an AppError's code and message with every problem, else the message. */
const failureLines = (error: unknown, usingDevServer: boolean): string[] => {
  if (error instanceof AppError) {
    return [
      `${error.code}: ${error.message}`,
      ...(error instanceof UnprocessableError ? problemLines(error.problems) : []),
    ];
  }
  const message = error instanceof Error ? error.message : String(error);
  const refused = (error as { code?: string } | undefined)?.code === 'ECONNREFUSED';
  return [refused && usingDevServer ? `${message}; is npm start still running?` : message];
};

/**
 * Runs one command line (without `node` and the script) against an environment and returns the exit code. It
 * applies the chosen environment to process.env, so it runs once per process.
 */
const run = async (argv: readonly string[], env: Env): Promise<number> => {
  const usingDevServer = !env.PROMPTS_BUCKET;
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
    const [command, ...args] = positionals;
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (values.label !== undefined && command !== 'push') throw new UsageError('--label applies to push only');
    if (command === 'validate') {
      const [path = 'prompts', ...extra] = args;
      if (extra.length > 0) throw new UsageError('expected [path]');
      return await validate(path, env);
    }
    const by = values.as ?? env.USER ?? 'cli';
    const registry = (): Promise<PromptRegistry> => loadRegistry(storeEnv(env, values.endpoints ?? DEV_ENDPOINTS_FILE));
    switch (command) {
      case 'push': {
        const [file] = required(args, ['file']);
        const label = values.label === undefined ? undefined : parseLabel(values.label);
        return await push(await registry(), file, by, label);
      }
      case 'list':
        if (args.length > 1) throw new UsageError('expected [topic]');
        return args[0] ? await listVersions(await registry(), args[0]) : await list(await registry());
      case 'label': {
        const [topic, version, name] = required(args, ['topic', 'version', 'label']);
        const label = parseLabel(name);
        console.log(labelSummary(await (await registry()).moveLabel(topic, label, version, by)));
        return 0;
      }
      case 'rollback': {
        const [topic] = required(args, ['topic']);
        console.log(labelSummary(await (await registry()).rollback(topic, by)));
        return 0;
      }
      case 'diff': {
        const [topic, from, to] = required(args, ['topic', 'from', 'to']);
        return await diff(await registry(), topic, from, to);
      }
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'no command');
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string } | undefined)?.code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    console.error(failureLines(error, usingDevServer).join('\n'));
    return 1;
  }
};

void run(process.argv.slice(2), process.env).then((code) => {
  process.exitCode = code;
});
