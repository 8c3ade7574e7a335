import { LoggingHandoffPublisher } from '../../functions/conversations/handoff';
import type { ConversationStore } from '../../functions/conversations/store';
import { DEFAULT_SUPPORT_CONFIG } from '../../functions/support/model';
import { supportDesk, type SupportDeps } from '../../functions/support/service';
import { MemoryTicketStore } from '../../functions/support/store';
import { silentLog } from './invocation';

/**
 * The support desk on in-memory tickets over a conversation store, as the conversations' turn engine hands off to
 * it: the desk, its tickets, and the hand-off events it published.
 */
export const memorySupportDesk = (conversations: Pick<ConversationStore, 'get' | 'messages'>, now: () => Date) => {
  const tickets = new MemoryTicketStore();
  const handoff = new LoggingHandoffPublisher(silentLog);
  const deps: SupportDeps = { tickets, conversations, handoff, config: DEFAULT_SUPPORT_CONFIG, now };
  return { desk: supportDesk(deps), tickets, handoff };
};
