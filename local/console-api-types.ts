import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A JSON Schema node of docs/openapi.json (the subset the generator reads). */
interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
}

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required?: boolean;
  readonly schema: Schema;
}

interface Operation {
  readonly operationId: string;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content: Readonly<Record<string, { readonly schema: Schema }>> };
  readonly responses: Readonly<Record<string, { readonly content?: Readonly<Record<string, { schema: Schema }>> }>>;
}

interface OpenApiDocument {
  readonly components?: { readonly schemas?: Readonly<Record<string, Schema>> };
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
}

/** Where the console's generated API types live. */
export const CONSOLE_API_TYPES_FILE = join(__dirname, '..', 'console', 'src', 'api', 'schema.ts');
const OPENAPI_FILE = join(__dirname, '..', 'docs', 'openapi.json');

const key = (name: string): string => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

const indent = (text: string, by: string): string => text.replace(/\n/g, `\n${by}`);

/** The TypeScript type of a JSON Schema node. */
const typeOf = (schema: Schema | undefined): string => {
  if (
    !schema ||
    (schema.type === undefined &&
      !schema.properties &&
      Object.keys(schema).every((k) => !/^(\$ref|const|enum|anyOf|oneOf|allOf)$/.test(k)))
  )
    return 'unknown';
  if (schema.$ref) return `Components[${JSON.stringify(schema.$ref.split('/').pop())}]`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((member) => `(${typeOf(member)})`).join(' | ');
  if (schema.allOf) return schema.allOf.map((member) => `(${typeOf(member)})`).join(' & ');
  if (Array.isArray(schema.type)) return schema.type.map((type: string) => typeOf({ ...schema, type })).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `(${typeOf(schema.items)})[]`;
    case 'object':
    case undefined: {
      const required = new Set(schema.required ?? []);
      const fields = Object.entries(schema.properties ?? {}).map(
        ([name, field]) => `${key(name)}${required.has(name) ? '' : '?'}: ${indent(typeOf(field), '  ')};`,
      );
      const extra = schema.additionalProperties;
      if (extra && typeof extra === 'object') fields.push(`[key: string]: ${typeOf(extra)};`);
      else if (extra === true || (schema.type === undefined && fields.length === 0))
        fields.push('[key: string]: unknown;');
      return fields.length === 0 ? 'Record<string, never>' : `{\n  ${fields.join('\n  ')}\n}`;
    }
    default:
      return 'unknown';
  }
};

const parametersOf = (operation: Operation, where: Parameter['in']): string => {
  const fields = (operation.parameters ?? [])
    .filter((parameter) => parameter.in === where)
    .map((parameter) => `${key(parameter.name)}${parameter.required ? '' : '?'}: ${typeOf(parameter.schema)};`);
  return fields.length === 0 ? 'Record<string, never>' : `{ ${fields.join(' ')} }`;
};

const successOf = (operation: Operation): string => {
  const [, response] = Object.entries(operation.responses).find(([status]) => status.startsWith('2')) ?? [];
  const content = response?.content ? Object.values(response.content)[0] : undefined;
  return content ? typeOf(content.schema) : 'void';
};

/**
 * The console's API types, generated from an OpenAPI document: one `Paths` entry per path and method with its path
 * and query parameters, request body and success response (the console's client takes its types from here only).
 */
export const consoleApiTypes = (document: OpenApiDocument = readOpenApi()): string => {
  const components = Object.entries(document.components?.schemas ?? {}).map(
    ([name, schema]) => `${key(name)}: ${indent(typeOf(schema), '  ')};`,
  );
  const paths = Object.entries(document.paths).map(([path, methods]) => {
    const operations = Object.entries(methods).map(([method, operation]) => {
      const body = operation.requestBody ? Object.values(operation.requestBody.content)[0]?.schema : undefined;
      return [
        `${method}: {`,
        `  /** ${operation.operationId} */`,
        `  path: ${parametersOf(operation, 'path')};`,
        `  query: ${parametersOf(operation, 'query')};`,
        `  body: ${body ? indent(typeOf(body), '  ') : 'undefined'};`,
        `  response: ${indent(successOf(operation), '  ')};`,
        '};',
      ].join('\n');
    });
    return `${JSON.stringify(path)}: {\n  ${indent(operations.join('\n'), '  ')}\n};`;
  });
  return [
    '// Generated from docs/openapi.json by local/console-api-types.ts (npm run console:api); do not edit.',
    '/* eslint-disable */',
    '/** The shared schemas (error bodies). */',
    `export interface Components {\n  ${components.join('\n  ')}\n}`,
    '',
    '/** Every API operation by path and method: parameters, request body and success response. */',
    `export interface Paths {\n  ${indent(paths.join('\n'), '  ')}\n}`,
    '',
  ].join('\n');
};

const readOpenApi = (): OpenApiDocument => JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDocument;

/** Writes the generated types (run by `npm run console:api` after `npm run openapi`). */
export const writeConsoleApiTypes = (file: string = CONSOLE_API_TYPES_FILE): void => {
  writeFileSync(file, consoleApiTypes());
};

if (require.main === module) writeConsoleApiTypes();
