import { useState } from 'preact/hooks';
import { api, stream, type ResponseOf } from '../api/client';
import { ErrorBox } from '../ui';
import type { PageProps } from '.';

type Conversation = ResponseOf<'/conversations/{id}', 'get'>['conversation'];
type Started = ResponseOf<'/conversations', 'post'>;
type Topic = Started['conversation']['topic'];

interface Line {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

const TOPICS: readonly { topic: Topic; title: string }[] = [
  { topic: 'core_values', title: 'Core values' },
  { topic: 'purpose', title: 'Purpose' },
  { topic: 'vision', title: 'Vision' },
  { topic: 'business_coaching', title: 'Business coaching' },
];
const PHASES = ['introduction', 'exploration', 'synthesis', 'validation', 'completion'] as const;

/** Conversations: pick a topic, chat with the reply streaming in, phases, pause/resume, complete, review the outcome. */
export const ConversationsPage = (_: PageProps) => {
  const [conversation, setConversation] = useState<Conversation>();
  const [lines, setLines] = useState<Line[]>([]);
  const [suggested, setSuggested] = useState<readonly string[]>([]);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [outcomeText, setOutcomeText] = useState('');
  const [recap, setRecap] = useState('');

  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const start = (topic: Topic) =>
    run(async () => {
      const started = await api('post', '/conversations', { body: { topic } });
      setConversation(started.conversation);
      setLines([{ role: 'assistant', text: started.message.text }]);
      setSuggested(started.turn.suggestedReplies);
      setRecap('');
    });
  const send = (message: string) =>
    run(async () => {
      if (!conversation || !message.trim()) return;
      setDraft('');
      setSuggested([]);
      setLines((current) => [...current, { role: 'user', text: message }, { role: 'assistant', text: '' }]);
      await stream('/conversations/{id}/messages/stream', { id: conversation.id }, { message }, ({ event, data }) => {
        if (event === 'delta') {
          const { text } = data as { text: string };
          setLines((current) => {
            const last = current[current.length - 1] as Line;
            return [...current.slice(0, -1), { role: 'assistant', text: last.text + text }];
          });
        } else if (event === 'turn') {
          const turn = data as ResponseOf<'/conversations/{id}/messages', 'post'>;
          setConversation(turn.conversation);
          setSuggested(turn.turn.suggestedReplies);
          setLines((current) => [...current.slice(0, -1), { role: 'assistant', text: turn.message.text }]);
        } else if (event === 'error') {
          const { error: body } = data as { error: { message: string; code: string } };
          throw new Error(`${body.message} (${body.code})`);
        }
      });
    });
  const act = (verb: 'pause' | 'resume' | 'complete') =>
    run(async () => {
      if (!conversation) return;
      const path = `/conversations/{id}/${verb}` as const;
      const result = (await api('post', path, { path: { id: conversation.id } })) as { conversation: Conversation };
      setConversation(result.conversation);
      if (verb === 'complete') setOutcomeText(JSON.stringify(result.conversation.outcome ?? {}, null, 2));
    });
  const accept = () =>
    run(async () => {
      if (!conversation) return;
      const outcome = JSON.parse(outcomeText || '{}') as Record<string, unknown>;
      const result = await api('put', '/conversations/{id}/outcome', {
        path: { id: conversation.id },
        body: { outcome, accept: true },
      });
      setConversation(result.conversation);
      setRecap(result.recap ?? '');
    });

  if (!conversation) {
    return (
      <section>
        <h1>Conversations</h1>
        <p>Pick a topic to talk it through with the coach.</p>
        {error ? <ErrorBox error={error} /> : null}
        <div class="cards">
          {TOPICS.map(({ topic, title }) => (
            <button type="button" class="card tile" key={topic} disabled={busy} onClick={() => void start(topic)}>
              {title}
            </button>
          ))}
        </div>
      </section>
    );
  }
  const phaseIndex = PHASES.indexOf(conversation.phase);
  return (
    <section class="chat">
      <div class="toolbar">
        <h1>{TOPICS.find((t) => t.topic === conversation.topic)?.title}</h1>
        <span class="badge">{conversation.status}</span>
        {conversation.status === 'active' ? (
          <button type="button" onClick={() => void act('pause')} disabled={busy}>
            Pause
          </button>
        ) : null}
        {conversation.status === 'paused' ? (
          <button type="button" onClick={() => void act('resume')} disabled={busy}>
            Resume
          </button>
        ) : null}
        {conversation.status !== 'completed' ? (
          <button type="button" onClick={() => void act('complete')} disabled={busy || !conversation.readyToComplete}>
            Complete
          </button>
        ) : null}
        <button type="button" onClick={() => setConversation(undefined)}>
          New
        </button>
      </div>
      <ol class="phases" aria-label="Phase progress">
        {PHASES.map((phase, i) => (
          <li
            key={phase}
            class={i < phaseIndex ? 'done' : i === phaseIndex ? 'current' : ''}
            aria-current={i === phaseIndex ? 'step' : undefined}
          >
            {phase}
          </li>
        ))}
      </ol>
      <progress max={1} value={conversation.progress} aria-label="Progress" />
      {error ? <ErrorBox error={error} /> : null}
      <div class="messages" aria-live="polite">
        {lines.map((line, i) => (
          <p key={i} class={`bubble ${line.role}`} data-testid={line.role === 'assistant' ? 'reply' : 'mine'}>
            {line.text || '…'}
          </p>
        ))}
      </div>
      {conversation.status === 'active' ? (
        <>
          <div class="row">
            {suggested.map((reply) => (
              <button type="button" class="chip" key={reply} onClick={() => void send(reply)} disabled={busy}>
                {reply}
              </button>
            ))}
          </div>
          <form
            class="row"
            onSubmit={(event) => {
              event.preventDefault();
              void send(draft);
            }}
          >
            <label class="grow">
              <span class="sr-only">Your message</span>
              <input value={draft} onInput={(e) => setDraft(e.currentTarget.value)} placeholder="Write to the coach…" />
            </label>
            <button type="submit" class="primary" disabled={busy || !draft.trim()}>
              Send
            </button>
          </form>
        </>
      ) : null}
      {conversation.status === 'completed' ? (
        <div class="card">
          <h2>Outcome ({conversation.outcomeStatus ?? 'proposed'})</h2>
          <label>
            <span class="hint">Review and edit the outcome (JSON), then accept it.</span>
            <textarea rows={10} value={outcomeText} onInput={(e) => setOutcomeText(e.currentTarget.value)} />
          </label>
          <button type="button" class="primary" onClick={() => void accept()} disabled={busy}>
            Accept outcome
          </button>
          {recap ? <p role="status">{recap}</p> : null}
        </div>
      ) : null}
    </section>
  );
};
