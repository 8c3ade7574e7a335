import {
  asksToRevisit,
  completionGaps,
  legalPhase,
  planFold,
  replyTextStream,
  toModelMessages,
  transcript,
} from '../../../functions/conversations/turns';
import type { Message } from '../../../functions/conversations/model';
import { seedTemplate } from '../../support/prompt-fakes';

const message = (seq: number, role: Message['role'], text: string): Message => ({
  id: `msg-${seq}`,
  seq,
  role,
  text,
  createdAt: '2026-11-21T10:00:00.000Z',
});

describe('legalPhase', () => {
  it.each([
    ['exploration', 'exploration', false, 'exploration', false],
    ['exploration', 'synthesis', false, 'synthesis', false],
    ['exploration', 'completion', false, 'synthesis', true],
    ['synthesis', 'introduction', false, 'synthesis', true],
    ['synthesis', 'introduction', true, 'introduction', false],
  ] as const)('from %s, a proposed %s (revisit: %s) becomes %s', (current, proposed, revisit, phase, corrected) => {
    expect(legalPhase(current, proposed, revisit)).toEqual({ phase, corrected });
  });
});

describe('asksToRevisit', () => {
  it('recognizes a request to go back, and not ordinary talk', () => {
    expect(asksToRevisit("Can we go back to exploration? I'd like to rethink this.")).toBe(true);
    expect(asksToRevisit('Let us revisit the second value')).toBe(true);
    expect(asksToRevisit('We came back from the job late')).toBe(false);
  });
});

describe('completionGaps', () => {
  const template = { ...seedTemplate(), completion: { min_exchanges: 3, required_fields: ['values'] } };

  it('names the missing exchanges and outcome fields, and nothing once they are there', () => {
    expect(completionGaps(template, 1, {})).toEqual(['at least 3 exchanges (so far 1)', "the outcome's values"]);
    expect(completionGaps(template, 3, { values: [] })).toEqual(["the outcome's values"]);
    expect(completionGaps(template, 3, { values: [{ name: 'x' }] })).toEqual([]);
  });

  it('sets no criteria for a template without completion rules', () => {
    expect(completionGaps({ ...seedTemplate(), completion: undefined }, 0, {})).toEqual([]);
  });
});

describe('toModelMessages', () => {
  it('starts with the opener before the coach’s first message and joins consecutive messages of one role', () => {
    const messages = toModelMessages(
      [
        message(1, 'assistant', 'Hi!'),
        message(2, 'user', 'One'),
        message(3, 'user', 'Two'),
        message(4, 'assistant', 'OK'),
      ],
      '(opened)',
    );

    expect(messages).toEqual([
      { role: 'user', text: '(opened)' },
      { role: 'assistant', text: 'Hi!' },
      { role: 'user', text: 'One\n\nTwo' },
      { role: 'assistant', text: 'OK' },
    ]);
  });
});

describe('planFold', () => {
  const long = (seq: number) => message(seq, seq % 2 ? 'assistant' : 'user', 'word '.repeat(100));

  it('folds all but the most recent messages once the history is over budget', () => {
    const history = [1, 2, 3, 4, 5, 6].map(long);

    const plan = planFold(history, 2, 300);

    expect(plan.fold.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(plan.recent.map((m) => m.seq)).toEqual([5, 6]);
  });

  it('folds nothing under the budget', () => {
    expect(planFold([1, 2].map(long), 2, 10_000).fold).toEqual([]);
  });
});

describe('transcript', () => {
  it('writes one line per message, or none', () => {
    expect(transcript([message(1, 'assistant', 'Hi'), message(2, 'user', 'Hello')])).toBe('Coach: Hi\nOwner: Hello');
    expect(transcript([])).toBe('none');
  });
});

describe('replyTextStream', () => {
  it('emits the reply text as JSON fragments arrive, decoding escapes split across fragments', () => {
    const pieces: string[] = [];
    const sink = replyTextStream((text) => pieces.push(text));
    const json = JSON.stringify({ reply: 'Hi "Dana",\nlet’s start \u00e9', phase: 'introduction', reply2: 'x' });

    for (let i = 0; i < json.length; i += 3) sink(json.slice(i, i + 3));

    expect(pieces.join('')).toBe('Hi "Dana",\nlet’s start \u00e9');
    expect(pieces.length).toBeGreaterThan(3);
  });

  it('decodes \\u escapes, also when a fragment ends inside one', () => {
    const pieces: string[] = [];
    const sink = replyTextStream((text) => pieces.push(text));
    const json = '{"reply":"caf\\u00e9 \\u2014 ok\\\\done","phase":"introduction"}';

    for (let i = 0; i < json.length; i += 2) sink(json.slice(i, i + 2));

    expect(pieces.join('')).toBe('caf\u00e9 \u2014 ok\\done');
  });

  it('keeps the character of an escape JSON does not know', () => {
    const pieces: string[] = [];

    replyTextStream((text) => pieces.push(text))('{"reply":"a\\qb"}');

    expect(pieces).toEqual(['aqb']);
  });

  it('emits nothing when there is no reply field', () => {
    const pieces: string[] = [];
    replyTextStream((text) => pieces.push(text))('{"phase":"exploration"}');

    expect(pieces).toEqual([]);
  });
});
