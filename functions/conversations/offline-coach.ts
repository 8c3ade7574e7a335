import * as z from '../shared/zod';
import type { PromptTemplate } from '../shared/prompts/template';
import type {
  Coach,
  CoachFoldRequest,
  CoachOutcome,
  CoachOutcomeRequest,
  CoachSummary,
  CoachTurn,
  CoachTurnRequest,
} from './coach';
import {
  outcomeSchemas,
  phases,
  turnOutputSchema,
  type ConversationTopic,
  type Message,
  type Phase,
  type Provenance,
  type TurnOutput,
} from './model';
import { businessCoachingScript } from './offline/business-coaching';
import { coreValuesScript } from './offline/core-values';
import { purposeScript } from './offline/purpose';
import { scriptContext, type Draft, type FollowUp, type Script, type ScriptContext } from './offline/script';
import { visionScript } from './offline/vision';
import { asksForHelp, asksForPerson, clip, confirms, quote } from './offline/words';
import { asksToRevisit, completionGaps, foldTranscript, NO_SPEND } from './turns';
import { UnprocessableError } from '../shared/errors';

/** The offline coach's session per topic. */
export const offlineScripts: Readonly<Record<ConversationTopic, Script>> = {
  core_values: coreValuesScript,
  purpose: purposeScript,
  vision: visionScript,
  business_coaching: businessCoachingScript,
};

/** What the opening turn says about the coach itself. */
export const OFFLINE_NOTE =
  "I'm the offline coach: no AI model is connected here, so I follow this session's questions and keep your " +
  'answers in your own words.';

/** Where a session stands: the question asked last (a step, one of its follow-ups, an extra check) or the closing. */
type Position =
  | { readonly kind: 'step'; readonly index: number; readonly followUp?: FollowUp }
  | { readonly kind: 'check'; readonly number: number }
  | { readonly kind: 'closing' };

/** A turn's answer to the owner: the draft after it, what the reply starts with, where it leaves the session. */
interface Move {
  readonly draft: Draft;
  readonly lead: string;
  readonly next: Position;
  readonly intent: NonNullable<TurnOutput['intent']>['type'];
}

/** The progress bands of the phases (the templates' `progress` rules). */
const BANDS: Readonly<Record<Phase, readonly [number, number]>> = {
  introduction: [0.05, 0.1],
  exploration: [0.1, 0.5],
  synthesis: [0.5, 0.75],
  validation: [0.75, 0.95],
  completion: [1, 1],
};
const CONFIDENCE = 0.8;
const REPLY_MAX = 4000;
const CONFIRM_REPLIES = ["Yes, that's it", "I'd like to change something"];

/** The position's name, kept in the turn's provenance: `values`, `values#2`, `check:1`, `closing`. */
const stepName = (script: Script, position: Position): string => {
  if (position.kind !== 'step') return position.kind === 'check' ? `check:${position.number}` : 'closing';
  const id = script.steps[position.index]?.id ?? 'unknown';
  return position.followUp ? `${id}#${position.followUp.key}` : id;
};

/**
 * The question the coach asked last, from the provenance of its last message; where there is none (the session was
 * begun by a model), the first question of the conversation's phase.
 */
const lastAsked = (script: Script, recent: readonly Message[], phase: Phase, draft: Draft): Position => {
  const name = recent.findLast((message) => message.role === 'assistant')?.provenance?.step;
  if (name === 'closing' || (name === undefined && phase === 'completion')) return { kind: 'closing' };
  const check = /^check:(\d+)$/.exec(name ?? '');
  if (check) return { kind: 'check', number: Number(check[1]) };
  const [id, key] = (name ?? '').split('#');
  const named = script.steps.findIndex((step) => step.id === id);
  const index =
    named >= 0
      ? named
      : Math.max(
          0,
          script.steps.findIndex((step) => step.phase === phase),
        );
  const followUp = key === undefined ? undefined : script.steps[index]?.missing?.(draft);
  return { kind: 'step', index, ...(followUp?.key === key && followUp ? { followUp } : {}) };
};

const phaseOf = (script: Script, position: Position): Phase =>
  position.kind === 'step'
    ? (script.steps[position.index]?.phase ?? 'exploration')
    : position.kind === 'check'
      ? 'validation'
      : 'completion';

/**
 * How far the session is: within its phase's band, by the question's place among the phase's questions; an extra
 * check stands where the final confirmation does, so progress never goes down.
 */
const progressOf = (script: Script, position: Position): number => {
  if (position.kind === 'check') return progressOf(script, { kind: 'step', index: script.steps.length - 1 });
  const phase = phaseOf(script, position);
  const [low, high] = BANDS[phase];
  if (position.kind === 'closing') return high;
  const ofPhase = script.steps.filter((step) => step.phase === phase);
  const place = ofPhase.indexOf(script.steps[position.index] as Script['steps'][number]) + 1;
  return Math.round((low + ((high - low) * place) / (ofPhase.length + 1)) * 100) / 100;
};

/** The question of a position. */
const questionOf = (script: Script, position: Position, draft: Draft, context: ScriptContext): string => {
  if (position.kind === 'check') return script.checks[position.number % script.checks.length] as string;
  if (position.kind === 'closing') return 'When you are ready, complete the session to save your outcome.';
  return position.followUp?.question ?? (script.steps[position.index] as Script['steps'][number]).ask(draft, context);
};

/**
 * Past the last question: the closing when the template's completion criteria are met; otherwise the first question
 * whose part of the outcome is missing, or, while exchanges are short, one more of the template's checks (another
 * one each exchange).
 */
const afterLast = (script: Script, template: PromptTemplate, exchanges: number, draft: Draft): Position => {
  if (completionGaps(template, exchanges, draft).length === 0) return { kind: 'closing' };
  const index = script.steps.findIndex((step) => step.missing?.(draft) !== undefined);
  const followUp = script.steps[index]?.missing?.(draft);
  if (index >= 0 && followUp) return { kind: 'step', index, followUp };
  return { kind: 'check', number: exchanges };
};

/** The reply in streamed pieces of a few words, as a model's reply arrives. */
const pieces = (text: string): string[] => text.match(/(?:\S+\s*){1,5}/g) ?? [text];

/**
 * The offline coach, the rules provider's coach: deterministic, no model. It runs each topic's template phases as a
 * script of the template's questions, reflects the owner's words back, records the outcome from what the owner wrote
 * (their own phrasing, tidied), asks again when a part is missing, and completes once the template's completion
 * criteria hold, with an outcome valid against the topic's outcome schema. Every turn says so in its provenance
 * (`provider: 'rules'`, the question it asked), and the opening turn says it in words.
 */
export class OfflineCoach implements Coach {
  async turn(request: CoachTurnRequest): Promise<CoachTurn> {
    const { conversation, template, userText } = request;
    const script = offlineScripts[conversation.topic];
    const context = scriptContext(request.snapshot);
    const opening = userText === undefined;
    const move: Move = opening
      ? {
          draft: conversation.extracted,
          lead: `Hello! ${OFFLINE_NOTE} ${script.intro}`,
          next: { kind: 'step', index: 0 },
          intent: 'share',
        }
      : this.answer(script, template, request, userText);
    const next = move.next;
    const reply = clip(
      [
        move.lead,
        next.kind === 'closing' && !opening
          ? script.closing(move.draft)
          : questionOf(script, next, move.draft, context),
      ]
        .filter(Boolean)
        .join(' '),
      REPLY_MAX,
    );
    const step = next.kind === 'step' ? script.steps[next.index] : undefined;
    const output = z.parse(turnOutputSchema, {
      reply,
      phase: phaseOf(script, next),
      progress: progressOf(script, next),
      readyToComplete: next.kind === 'closing',
      suggestedReplies: step?.confirms ? CONFIRM_REPLIES : step?.example ? ['Can you give me an example?'] : [],
      extracted: move.draft,
      ...(opening ? {} : { intent: { type: move.intent, confidence: CONFIDENCE, entities: [] } }),
    });
    for (const piece of pieces(output.reply)) request.onText?.(piece);
    const provenance: Provenance = {
      provider: 'rules',
      promptTopic: template.topic,
      promptVersion: template.version,
      step: stepName(script, next),
    };
    return { output, provenance, spend: NO_SPEND };
  }

  /** Without a model the fold is a transcript cut. */
  async fold({ conversation, messages }: CoachFoldRequest): Promise<CoachSummary> {
    return { summary: foldTranscript(conversation.summary, messages), spend: NO_SPEND };
  }

  /** The outcome is the draft the session built, valid against the topic's outcome schema. */
  async outcome({ conversation }: CoachOutcomeRequest): Promise<CoachOutcome> {
    const parsed = z.safeParse(outcomeSchemas[conversation.topic], conversation.extracted);
    if (!parsed.success) {
      throw new UnprocessableError(
        'The session is not ready to complete',
        parsed.error.issues.map((issue) => ({
          field: ['extracted', ...issue.path.map(String)].join('.'),
          message: issue.message,
        })),
        'not_ready',
      );
    }
    return {
      outcome: parsed.data,
      provenance: { provider: 'rules', promptTopic: conversation.topic, promptVersion: conversation.promptVersion },
      spend: NO_SPEND,
    };
  }

  /** The owner's message read against the question it answers. */
  private answer(script: Script, template: PromptTemplate, request: CoachTurnRequest, text: string): Move {
    const draft = request.conversation.extracted;
    const asked = lastAsked(script, request.recent, request.conversation.phase, draft);
    const step = asked.kind === 'step' ? script.steps[asked.index] : undefined;
    const stay = (lead: string, intent: Move['intent'] = 'share', changed = draft): Move => ({
      draft: changed,
      lead,
      next: asked,
      intent,
    });
    if (asksForPerson(text)) {
      return stay(
        "I'm an AI coach working offline, not a person; your request for a person has been flagged, and we can " +
          'carry on in the meantime.',
        'escalate',
      );
    }
    if (asksForHelp(text) || (step?.read && text.trim().endsWith('?'))) {
      const help = step?.example ?? 'Answer in your own words; there is no wrong answer here.';
      return stay(`As the offline coach I can only follow this session's questions. ${help}`, 'request_help');
    }
    const reflection = `You said ${quote(text)}.`;
    if (asksToRevisit(text)) {
      const index = script.steps.findIndex((candidate) => candidate.phase === 'synthesis');
      if (index >= 0 && phases.indexOf(phaseOf(script, asked)) > phases.indexOf('synthesis')) {
        return { draft, lead: "Let's go back to the draft.", next: { kind: 'step', index }, intent: 'share' };
      }
    }
    if (asked.kind === 'closing' || step?.confirms) {
      // A confirmation changes nothing: at a confirming step it moves on, at the closing it is acknowledged.
      if (confirms(text)) {
        return asked.kind === 'closing'
          ? stay('Our session is complete.')
          : this.onward(script, template, request, draft, asked, '');
      }
      const edited = script.edit(text, draft);
      if (edited) return stay('I changed the draft.', 'share', edited);
      return stay(asked.kind === 'closing' ? 'Our session is complete.' : 'Tell me what to change.');
    }
    if (asked.kind === 'check' || !step) return this.onward(script, template, request, draft, asked, reflection);
    const read = step.read?.(text, draft, asked.followUp?.key) ?? draft;
    const followUp = step.missing?.(read);
    if (followUp)
      return { draft: read, lead: reflection, next: { kind: 'step', index: asked.index, followUp }, intent: 'share' };
    return this.onward(script, template, request, read, asked, reflection);
  }

  /** The next question once the one asked is answered: the next step, after the last one the check or the closing. */
  private onward(
    script: Script,
    template: PromptTemplate,
    request: CoachTurnRequest,
    draft: Draft,
    asked: Position,
    lead: string,
  ): Move {
    const confirmIndex = script.steps.length - 1;
    const nextIndex = asked.kind === 'step' ? asked.index + 1 : confirmIndex;
    const next: Position =
      asked.kind === 'step' && nextIndex > confirmIndex
        ? afterLast(script, template, request.exchanges, draft)
        : { kind: 'step', index: Math.min(nextIndex, confirmIndex) };
    return { draft, lead, next, intent: 'share' };
  }
}
