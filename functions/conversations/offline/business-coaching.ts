import { asSentence, firstSentence } from './words';
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

/** Bounds of the business coaching outcome schema. */
const SUMMARY = { min: 10, max: 1200 };
const ITEM = { min: 3, max: 300 };
const MAX_DECISIONS = 10;
const MAX_STEPS = 7;

/** The summary with one more sentence of the owner's, under a heading (`Situation: …`), within its bound. */
const addToSummary = (draft: Draft, heading: string, answer: string): Draft => {
  const sentence = asSentence(firstSentence(answer), ITEM.max);
  if (!sentence) return draft;
  const summary = [textOf(draft, 'summary'), `${heading}: ${sentence}`].filter(Boolean).join(' ');
  return withField(draft, 'summary', readText(summary, SUMMARY, false));
};
const readSteps = (text: string): string[] | undefined => {
  const steps = readList(text, ITEM, MAX_STEPS);
  return steps.length > 0 ? steps : undefined;
};

const fields: readonly EditableField[] = [
  { field: 'summary', labels: ['summary'], read: (value) => readText(value, SUMMARY) },
  { field: 'decisions', labels: ['decisions', 'decision'], read: (value) => readList(value, ITEM, MAX_DECISIONS) },
  { field: 'nextSteps', labels: ['next steps', 'steps'], read: readSteps },
];

/** The business coaching session (prompts/business_coaching): a topic, the reality, the options, the next steps. */
export const businessCoachingScript: Script = {
  topic: 'business_coaching',
  intro:
    'You bring a challenge, decision or opportunity, I help you think it through with questions, and you leave with ' +
    'decisions and next steps.',
  steps: [
    {
      id: 'topic',
      phase: 'introduction',
      ask: (_draft, context) =>
        'What would you like to work on today?' +
        (context.goalAtRisk
          ? ` One option: your goal “${context.goalAtRisk.title}” is ${context.goalAtRisk.status}.`
          : ''),
      // Nothing is decided yet: the outcome's decisions start empty.
      read: (answer, draft) => addToSummary({ decisions: [], ...draft }, 'Worked on', answer),
    },
    {
      id: 'reality',
      phase: 'exploration',
      ask: () => 'What is happening now, what have you tried, and what is in the way?',
      read: (answer, draft) => addToSummary(draft, 'Situation', answer),
    },
    {
      id: 'options',
      phase: 'exploration',
      ask: () => 'What options do you see, and which one do you choose?',
      read: (answer, draft) =>
        addToSummary(withField(draft, 'decisions', [readText(answer, ITEM)].filter(Boolean)), 'Chosen', answer),
      example: 'For example: list two or three things you could do, then say which one you would start with.',
    },
    {
      id: 'next-steps',
      phase: 'synthesis',
      ask: () => 'What are the next steps? One per line, each with who and by when.',
      read: (answer, draft) => withField(draft, 'nextSteps', readSteps(answer)),
      missing: (draft) =>
        listOf(draft, 'nextSteps').length > 0
          ? undefined
          : { key: 'steps', question: 'Name at least one next step, starting with a verb.' },
      example: 'For example: “Call the three biggest clients by Friday (me)”.',
    },
    {
      id: 'confirm',
      phase: 'validation',
      ask: (draft) =>
        `Here is what we have:\n${businessCoachingScript.readBack(draft)}\nIs that right? ${editHint(fields)}`,
      confirms: true,
    },
  ],
  checks: [
    'Is each step concrete, owned and dated?',
    'What could get in the way, and how will you handle it?',
    'Is it realistic this week or this month?',
  ],
  readBack: (draft) =>
    [
      `Summary: ${textOf(draft, 'summary') ?? '?'}`,
      `Decisions:\n${bullets(listOf(draft, 'decisions')) || '• none yet'}`,
      `Next steps:\n${bullets(listOf(draft, 'nextSteps'))}`,
    ].join('\n'),
  edit: labelledEdit(fields),
  closing: (draft) =>
    `Thank you. Your first next step: ${listOf(draft, 'nextSteps')[0] ?? ''} ` +
    'You can come back any time to review how it went.',
};
