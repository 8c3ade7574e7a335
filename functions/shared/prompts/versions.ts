import { PromptUnavailableError } from './errors';
import { promptTemplateSchema, type PromptTemplate } from './template';

const VERSION = /^v(\d+)\.(\d+)$/;

/** Orders versions newest first: v1.10 is newer than v1.9. Invalid names sort last. */
export const compareVersionsDescending = (a: string, b: string): number => {
  const [, aMajor = '-1', aMinor = '-1'] = VERSION.exec(a) ?? [];
  const [, bMajor = '-1', bMinor = '-1'] = VERSION.exec(b) ?? [];
  return Number(bMajor) - Number(aMajor) || Number(bMinor) - Number(aMinor);
};

/** The version named by a `<topic>/<version>.json` key or file name, if it is one. */
export const versionFromFileName = (fileName: string): string | undefined =>
  /(v\d+\.\d+)\.json$/.exec(fileName)?.[1];

/** Parses and validates a template's JSON text, checking it belongs to the expected topic and version. */
export const parseTemplate = (json: string, topic: string, version: string): PromptTemplate => {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new PromptUnavailableError(`${topic}/${version} is not valid JSON`, { cause: error });
  }
  const parsed = promptTemplateSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new PromptUnavailableError(`${topic}/${version} is not a valid template: ${problems}`);
  }
  if (parsed.data.topic !== topic || parsed.data.version !== version) {
    throw new PromptUnavailableError(`${topic}/${version} declares ${parsed.data.topic}/${parsed.data.version}`);
  }
  return parsed.data;
};

/**
 * Loads the newest version that validates, trying older ones when a newer file is broken, so one bad upload
 * cannot take a topic down. `load` reads one version's JSON text.
 */
export const loadNewestValid = async (
  topic: string,
  versions: readonly string[],
  load: (version: string) => Promise<string>,
  onInvalid: (version: string, error: unknown) => void,
): Promise<PromptTemplate> => {
  for (const version of [...versions].sort(compareVersionsDescending)) {
    try {
      return parseTemplate(await load(version), topic, version);
    } catch (error) {
      onInvalid(version, error);
    }
  }
  throw new PromptUnavailableError(`No valid template for topic "${topic}"`);
};
