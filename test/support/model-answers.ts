import { goodAnswer } from '../../local/model-answers';

export { goodAnswer };

/** The good answer as a model that ignores the tool would write it: prose and a code fence around the JSON. */
export const proseWrappedAnswer = (): string =>
  `Here are the insights you asked for:\n\n\`\`\`json\n${JSON.stringify(goodAnswer(), null, 2)}\n\`\`\`\nLet me know if you need more.`;
