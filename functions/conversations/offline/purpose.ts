import { editHint, labelledEdit, readText, textOf, withField, type EditableField, type Script } from './script';

/** Bounds of the purpose outcome schema. */
const STATEMENT = { min: 10, max: 300 };
const WHO = { min: 3, max: 300 };
const WHY = { min: 10, max: 600 };

const fields: readonly EditableField[] = [
  { field: 'statement', labels: ['statement', 'purpose'], read: (value) => readText(value, STATEMENT, false) },
  { field: 'whoWeServe', labels: ['who we serve', 'who'], read: (value) => readText(value, WHO) },
  { field: 'whyItMatters', labels: ['why it matters', 'why'], read: (value) => readText(value, WHY) },
];

/** The purpose session (prompts/purpose): who the company serves, why it matters, then one plain sentence. */
export const purposeScript: Script = {
  topic: 'purpose',
  intro:
    'We will talk about who the company serves and the difference it makes, dig into why that matters, and then ' +
    'shape a one-sentence purpose together.',
  steps: [
    {
      id: 'who-we-serve',
      phase: 'introduction',
      ask: (_draft, context) =>
        `Who does ${context.businessName ?? 'the company'} serve, and what changes for them because of your work?`,
      read: (answer, draft) => withField(draft, 'whoWeServe', readText(answer, WHO)),
      missing: (draft) =>
        textOf(draft, 'whoWeServe')
          ? undefined
          : { key: 'who', question: 'Who, specifically, are the people you serve?' },
      example: 'For example: “families in older homes across the county, who get their heat back the same day”.',
    },
    {
      id: 'story',
      phase: 'exploration',
      ask: () => 'Tell me about a customer for whom your work mattered most. What happened?',
    },
    {
      id: 'why-it-matters',
      phase: 'exploration',
      ask: () => 'Why does that matter? What would be missing for those people if the company disappeared tomorrow?',
      read: (answer, draft) => withField(draft, 'whyItMatters', readText(answer, WHY)),
      missing: (draft) =>
        textOf(draft, 'whyItMatters')
          ? undefined
          : { key: 'why', question: 'Say a little more: why does that matter to them, and to you?' },
    },
    {
      id: 'statement',
      phase: 'synthesis',
      ask: () =>
        'Now put it in one plain sentence your team would say, ideally under 20 words: why does the company exist?',
      read: (answer, draft) => withField(draft, 'statement', readText(answer, STATEMENT, false)),
      missing: (draft) =>
        textOf(draft, 'statement')
          ? undefined
          : { key: 'statement', question: 'Write the purpose as one whole sentence, at least a few words long.' },
      example: 'For example, a sentence that starts “We exist to …” and says for whom.',
    },
    {
      id: 'ten-years',
      phase: 'validation',
      ask: () => 'Would it still hold in ten years if your products changed?',
    },
    {
      id: 'confirm',
      phase: 'validation',
      ask: (draft) =>
        `Here is your purpose:\n${purposeScript.readBack(draft)}\nShall we make it final? ${editHint(fields)}`,
      confirms: true,
    },
  ],
  checks: [
    'Could a competitor claim it word for word?',
    'Would the team be proud to say it?',
    'Would it help you with a hard decision you face?',
  ],
  readBack: (draft) =>
    [
      `Purpose: ${textOf(draft, 'statement') ?? '?'}`,
      `Who we serve: ${textOf(draft, 'whoWeServe') ?? '?'}`,
      `Why it matters: ${textOf(draft, 'whyItMatters') ?? '?'}`,
    ].join('\n'),
  edit: labelledEdit(fields),
  closing: (draft) =>
    `Thank you. Your purpose: “${textOf(draft, 'statement') ?? ''}” A next step: share it with the team with the ` +
    'story behind it, or use it in your next hard decision.',
};
