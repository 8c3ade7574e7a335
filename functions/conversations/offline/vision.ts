import { firstNumber } from './words';
import {
  bullets,
  editHint,
  labelledEdit,
  listOf,
  readList,
  readText,
  textOf,
  withField,
  type Draft,
  type EditableField,
  type Script,
} from './script';

/** Bounds of the vision outcome schema. */
const STATEMENT = { min: 10, max: 300 };
const MILESTONE = { min: 3, max: 200 };
const MAX_MILESTONES = 5;
const HORIZON = { min: 1, max: 30 };

const readHorizon = (text: string): number | undefined => {
  const years = firstNumber(text);
  return years !== undefined && years >= HORIZON.min && years <= HORIZON.max ? years : undefined;
};
const horizonOf = (draft: Draft): number | undefined =>
  typeof draft.horizonYears === 'number' ? draft.horizonYears : undefined;
const readMilestones = (text: string): string[] | undefined => {
  const milestones = readList(text, MILESTONE, MAX_MILESTONES);
  return milestones.length > 0 ? milestones : undefined;
};

const fields: readonly EditableField[] = [
  { field: 'statement', labels: ['statement', 'vision'], read: (value) => readText(value, STATEMENT, false) },
  { field: 'horizonYears', labels: ['horizon', 'years'], read: readHorizon },
  { field: 'milestones', labels: ['milestones'], read: readMilestones },
];

/** The vision session (prompts/vision): a horizon, the picture at that horizon, a statement and milestones. */
export const visionScript: Script = {
  topic: 'vision',
  intro:
    'We will pick a horizon, picture the company at that point in detail, and then turn that picture into a vision ' +
    'statement and a few milestones.',
  steps: [
    {
      id: 'horizon',
      phase: 'introduction',
      ask: () => 'How many years ahead do you want to look: 3, 5 or 10?',
      read: (answer, draft) => withField(draft, 'horizonYears', readHorizon(answer)),
      missing: (draft) =>
        horizonOf(draft) === undefined
          ? { key: 'years', question: `How many years ahead, as a number from ${HORIZON.min} to ${HORIZON.max}?` }
          : undefined,
    },
    {
      id: 'picture',
      phase: 'exploration',
      ask: (draft, context) =>
        `Picture a day ${horizonOf(draft) ?? 'some'} years from now: how big is ` +
        `${context.businessName ?? 'the company'}, who are its customers, and what is it known for?`,
    },
    {
      id: 'statement',
      phase: 'synthesis',
      ask: () => 'Put that picture into one or two sentences: your vision statement.',
      read: (answer, draft) => withField(draft, 'statement', readText(answer, STATEMENT, false)),
      missing: (draft) =>
        textOf(draft, 'statement')
          ? undefined
          : { key: 'statement', question: 'Write the vision as one or two whole sentences.' },
      example: 'For example: how big you will be, who your customers are, and what people say about you.',
    },
    {
      id: 'milestones',
      phase: 'synthesis',
      ask: (draft) =>
        `Working back from ${horizonOf(draft) ?? 'there'} years out, what are 1 to ${MAX_MILESTONES} milestones ` +
        'on the way? One per line, dated where you can.',
      read: (answer, draft) => withField(draft, 'milestones', readMilestones(answer)),
      missing: (draft) =>
        listOf(draft, 'milestones').length > 0
          ? undefined
          : { key: 'milestones', question: 'Name at least one milestone, one per line.' },
    },
    {
      id: 'ambitious',
      phase: 'validation',
      ask: () => 'Is it ambitious but believable, and would your team be excited by it?',
    },
    {
      id: 'confirm',
      phase: 'validation',
      ask: (draft) =>
        `Here is your vision:\n${visionScript.readBack(draft)}\nShall we make it final? ${editHint(fields)}`,
      confirms: true,
    },
  ],
  checks: [
    'Is it specific enough to know when you have arrived?',
    'Does it fit your purpose and values?',
    'Do the milestones lead there?',
  ],
  readBack: (draft) =>
    [
      `Vision (${horizonOf(draft) ?? '?'} years): ${textOf(draft, 'statement') ?? '?'}`,
      'Milestones:',
      bullets(listOf(draft, 'milestones')),
    ].join('\n'),
  edit: labelledEdit(fields),
  closing: (draft) =>
    `Thank you. Your vision: “${textOf(draft, 'statement') ?? ''}” A next step: share it with the team and turn the ` +
    `first milestone${listOf(draft, 'milestones')[0] ? `, “${listOf(draft, 'milestones')[0]}”,` : ''} into a goal.`,
};
