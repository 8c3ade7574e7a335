import { randomUUID } from 'node:crypto';
import type { Conversation, Message, TurnOutput } from '../../functions/conversations/model';
import type { ConversationContext } from '../../functions/conversations/store';
import { newConversation } from '../../functions/conversations/turns';

/** A valid new conversation of `core_values` opened at `at` (expiring 30 days later), with overridable fields. */
export const aConversation = (at: Date, overrides: Partial<Conversation> = {}): Conversation => ({
  ...newConversation({
    id: randomUUID(),
    tenantId: 'tenant-a',
    userId: 'user-1',
    topic: 'core_values',
    promptVersion: 'v1.0',
    now: at,
    idleDays: 30,
  }),
  ...overrides,
});

/** A message in slot `seq`: the coach's on odd slots, the owner's on even ones, unless `role` says otherwise. */
export const aMessage = (seq: number, at: Date, overrides: Partial<Message> = {}): Message => ({
  id: `msg-${seq}`,
  seq,
  role: seq % 2 === 1 ? 'assistant' : 'user',
  text: `Message number ${seq}`,
  createdAt: at.toISOString(),
  ...overrides,
});

/** A business context as a conversation stores it: a small snapshot read at `at`. */
export const aContext = (tenantId: string, at: Date): ConversationContext => ({
  fetchedAt: at.toISOString(),
  snapshot: {
    tenantId,
    fetchedAt: at.toISOString(),
    foundation: {
      businessName: 'Acme Plumbing',
      coreValues: [{ name: 'Show up on time', description: 'Customers plan their day around us.' }],
      employeeCount: 12,
    },
    goals: [{ id: 'G-1', title: 'Open a second location', status: 'at_risk', progress: 35 }],
    gaps: [{ source: 'performance', reason: 'timeout' }],
    dropped: { goals: 1 },
  },
});

/** A valid `record_turn` answer of the exploration phase with a confident classification, with overridable fields. */
export const aTurn = (overrides: Partial<TurnOutput> = {}): TurnOutput => ({
  reply: 'Tell me about a day when the team was at its best.',
  phase: 'exploration',
  progress: 0.2,
  readyToComplete: false,
  suggestedReplies: ['Last winter during the freeze'],
  extracted: {},
  intent: { type: 'share', confidence: 0.9, entities: [] },
  ...overrides,
});
