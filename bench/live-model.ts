/**
 * The fake Bedrock the bench runs the local stack against (the bedrock provider, as deployed). It answers each call by
 * the tool the request forces: the insights set (`record_insights`, reported as ~2,000 output tokens) and coaching
 * turns (`record_turn`) whose reply echoes the reference the owner's message carries, so a transcript shows whose
 * answer it holds, and nudge phrasings (`record_phrasings`) that give the rules' messages back. Instant until
 * `setPace(REALISTIC_PACE)`.
 */
import {
  startFakeBedrock,
  type FakeBedrock,
  type FakeBedrockRequest,
  type FakePace,
  type FakeResponse,
} from '../local/fake-bedrock';
import { echoedPhrasings, goodAnswer } from '../local/model-answers';

/** Claude Sonnet on Bedrock, as issue 10 gives it: the first token after 0.8 s, then 70 output tokens per second. */
export const REALISTIC_PACE: FakePace = { firstTokenMs: 800, tokensPerSecond: 70 };

/** Output tokens of an insights set (5-10 insights with evidence and actions). */
export const INSIGHTS_OUTPUT_TOKENS = 2000;

/** Output tokens of a coaching turn (a reply of about 100 words and the turn's structured fields). */
export const TURN_OUTPUT_TOKENS = 250;

/** The fake's own time for a non-streamed answer of `outputTokens`: it answers once the last token is "written". */
export const modelMs = (pace: FakePace, outputTokens: number): number =>
  pace.firstTokenMs + (outputTokens * 1000) / pace.tokensPerSecond;

/** The reference an owner's message carries and the coach's reply echoes. */
export const messageRef = (id: string): string => `[ref ${id}]`;

const REF = /\[ref ([\w-]+)\]/g;

/** The references in a text, in order. */
export const refsIn = (text: string): string[] => [...text.matchAll(REF)].map((match) => match[1] as string);

/** The coach's reply before the echoed reference: about 60 words, as a turn of the exploration phase reads. */
const REPLY =
  'That story says a lot about how your team works when it matters. I hear two things in it: people step in ' +
  'without being asked, and they tell the customer the truth even when it costs you a sale. Before we name ' +
  'anything, tell me about another moment like this one. Who was involved, and why did it matter to you?';

/** The opening turn's `record_turn` answer. */
const OPENING_TURN = {
  reply: 'Welcome! Tell me about your business and what you want from this session.',
  phase: 'introduction',
  progress: 0,
  readyToComplete: false,
  suggestedReplies: ['A story from last winter'],
  extracted: {},
};

/** A `record_turn` answer: the opening turn when the request carries no reference, else a reply that echoes it. */
const turnAnswer = (ref: string | undefined): Record<string, unknown> =>
  ref === undefined
    ? OPENING_TURN
    : {
        ...OPENING_TURN,
        reply: `${REPLY} ${messageRef(ref)}`,
        phase: 'exploration',
        progress: 0.2,
        intent: { type: 'share', confidence: 0.9, entities: [] },
      };

/** The reference a call to the fake answers: the last one in its messages (none for an opening turn). */
export const refOf = (request: FakeBedrockRequest): string | undefined =>
  refsIn(JSON.stringify(request.body.messages ?? [])).at(-1);

/** Starts the fake Bedrock with the bench's answers (instant; set a pace for realistic speed). */
export const startBenchBedrock = async (): Promise<FakeBedrock> => {
  const bedrock = await startFakeBedrock();
  bedrock.setDefault((request): FakeResponse => {
    const tool = request.body.toolConfig?.toolChoice?.tool?.name;
    if (tool === 'record_insights') {
      return { toolInput: goodAnswer(), usage: { outputTokens: INSIGHTS_OUTPUT_TOKENS } };
    }
    if (tool === 'record_turn') {
      return { toolInput: turnAnswer(refOf(request)), usage: { outputTokens: TURN_OUTPUT_TOKENS } };
    }
    if (tool === 'record_phrasings') return { toolInput: echoedPhrasings(request) };
    return { status: 400, message: `the bench's fake Bedrock has no answer for the tool ${tool ?? '(none)'}` };
  });
  return bedrock;
};
