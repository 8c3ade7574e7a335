/**
 * Sections 8 and 9: conversation turns over HTTP against the local stack on the bedrock provider, with the fake
 * Bedrock at realistic pace. Each conversation is its own user's (users spread over the demo tenants), opened with
 * the fake answering at once; each owner's message carries a reference the fake echoes into the coach's reply.
 * 8: the time to the first `delta` bytes of a streamed turn. 9: a thousand conversations each with a turn in flight
 * at once, every transcript read back.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '../functions/conversations/model';
import type { FakeBedrock } from '../local/fake-bedrock';
import { printTable } from '../local/print-table';
import { parseEvents } from '../local/sse';
import type { LocalStack } from '../local/stack';
import type { BenchClient, BenchResponse, StreamedResponse } from './http-client';
import { messageRef, modelMs, REALISTIC_PACE, refOf, refsIn, TURN_OUTPUT_TOKENS } from './live-model';
import {
  atMost,
  count,
  distribution,
  distributionRow,
  equals,
  info,
  mapConcurrent,
  ms,
  printHeading,
  printNotes,
  verdictLine,
  type TargetResult,
} from './support';

const TOPIC = 'business_coaching';
/** Conversations opened at once while setting up (the fake answers their openings at once). */
const OPEN_CONCURRENCY = 16;
/** Transcripts read back at once. */
const READ_CONCURRENCY = 50;

const STREAMED_TURNS = 60;
/** Streamed turns first, one after another and not measured (the streaming route's first requests load it). */
const STREAM_WARMUP = 3;
/** One streamed turn starts every STAGGER_MS, as users write at their own moments (about 8 turns in flight). */
const STAGGER_MS = 300;
/** The first streamed bytes may come at most this long after the fake's first token (issue 10). */
const MAX_FIRST_BYTE_OVERHEAD_MS = 100;
/** The plan's bar: a conversational answer starts within 2 s. */
const PLAN_FIRST_BYTE_MS = 2000;

const SIMULTANEOUS_TURNS = 1000;
/**
 * The local invocation budget while the simultaneous turns run: one process does the work of a thousand Lambdas, so
 * the last turns start their handlers long after they were sent; the 29 s an API Gateway integration has is counted
 * against each turn's latency instead.
 */
const CROWD_INVOCATION_BUDGET_MS = 300_000;
const API_GATEWAY_TIMEOUT_MS = 29_000;

/** One user's conversation and the reference their message carries. */
interface Session {
  readonly token: string;
  readonly id: string;
  readonly ref: string;
}

/** The owner's message of a session: a story of about 20 words and the session's reference. */
const ownerMessage = (session: Session): string =>
  `We lost our biggest client last month and I want to understand what we could have done differently. ${messageRef(session.ref)}`;

/** Opens one conversation for each of `n` new users spread over the demo tenants. */
const openSessions = async (
  stack: LocalStack,
  client: BenchClient,
  demoTenants: readonly string[],
  n: number,
  label: string,
): Promise<Session[]> => {
  const run = randomUUID().slice(0, 8);
  return mapConcurrent(
    Array.from({ length: n }, (_, index) => index),
    OPEN_CONCURRENCY,
    async (index) => {
      const tenantId = demoTenants[index % demoTenants.length] as string;
      const ref = `${label}-${run}-${index}`;
      const token = await stack.mintToken({ tenantId, userId: `bench-${ref}` });
      const response = await client.call('POST', '/conversations', { token, body: { topic: TOPIC } });
      if (response.status !== 201) throw new Error(`opening ${ref}: ${response.status} ${response.text.slice(0, 300)}`);
      return { token, id: (JSON.parse(response.text) as { conversation: { id: string } }).conversation.id, ref };
    },
  );
};

/** Whether a coach's text answers this session and no other: it carries the session's reference and only it. */
const answersOnly = (text: string, session: Session): boolean => {
  const refs = refsIn(text);
  return refs.length === 1 && refs[0] === session.ref;
};

/** A streamed turn's problem, if any: not 200, no delta, deltas that are not the reply, or no final turn event. */
const streamProblem = (response: StreamedResponse, session: Session): string | undefined => {
  if (response.status !== 200) return `${response.status} ${response.text.slice(0, 200)}`;
  const events = parseEvents<{ text?: string; message?: Message }>(response.text);
  const replied = events
    .filter((event) => event.event === 'delta')
    .map((event) => event.data.text ?? '')
    .join('');
  const last = events.at(-1);
  if (response.firstDeltaMs === undefined) return 'no delta event';
  if (last?.event !== 'turn' || last.data.message?.text !== replied) return 'the turn event is not the streamed reply';
  return answersOnly(replied, session) ? undefined : `the reply carries ${JSON.stringify(refsIn(replied))}`;
};

/**
 * Streams one turn in each of STREAMED_TURNS conversations, one every STAGGER_MS, and times the first `delta` event's
 * bytes against the fake's time to first token.
 */
export const benchFirstStreamedByte = async (
  stack: LocalStack,
  bedrock: FakeBedrock,
  client: BenchClient,
  demoTenants: readonly string[],
): Promise<TargetResult[]> => {
  printHeading(
    `8. First streamed byte of a conversation turn over HTTP (${STREAMED_TURNS} turns, one every ${STAGGER_MS} ms; fake first token ${REALISTIC_PACE.firstTokenMs} ms)`,
  );
  bedrock.setPace(undefined);
  const opened = await openSessions(stack, client, demoTenants, STREAM_WARMUP + STREAMED_TURNS, 'stream');
  bedrock.setPace(REALISTIC_PACE);
  const streamTurn = (session: Session) =>
    client.stream(`/conversations/${session.id}/messages/stream`, {
      token: session.token,
      body: { message: ownerMessage(session) },
    });
  for (const session of opened.slice(0, STREAM_WARMUP)) await streamTurn(session);
  const sessions = opened.slice(STREAM_WARMUP);
  const responses = await Promise.all(
    sessions.map(async (session, index) => {
      await sleep(index * STAGGER_MS);
      return streamTurn(session);
    }),
  );
  const problems = responses.flatMap((response, index) => {
    const problem = streamProblem(response, sessions[index] as Session);
    return problem === undefined ? [] : [`${(sessions[index] as Session).ref}: ${problem}`];
  });
  if (problems.length > 0) throw new Error(`streamed turns failed: ${problems.slice(0, 5).join('; ')}`);

  // Where the time goes, per turn: until the fake received its ConverseStream call, and after its first delta.
  const calls = new Map(
    bedrock.requests.filter((request) => request.stream).map((request) => [refOf(request), request.receivedAt]),
  );
  const split = responses.map((response, index) => {
    const receivedAt = calls.get((sessions[index] as Session).ref) ?? Number.NaN;
    const firstDeltaAt = response.sentAt + (response.firstDeltaMs as number);
    return { before: receivedAt - response.sentAt, after: firstDeltaAt - receivedAt - REALISTIC_PACE.firstTokenMs };
  });
  const firstByte = distribution(responses.map((response) => response.firstDeltaMs as number));
  printTable(
    ['per streamed turn', 'turns', 'p50', 'p95', 'p99', 'max'],
    [
      distributionRow('request → first delta event', firstByte),
      distributionRow('  request → the fake receives ConverseStream', distribution(split.map((turn) => turn.before))),
      distributionRow(
        `  the fake's first delta (at ${ms(REALISTIC_PACE.firstTokenMs)}) → the client`,
        distribution(split.map((turn) => turn.after)),
      ),
      distributionRow(
        'request → end of the stream (turn event)',
        distribution(responses.map((response) => response.ms)),
      ),
    ],
  );
  const results = [
    atMost(
      `First streamed byte of a turn p99 (fake's first token ${ms(REALISTIC_PACE.firstTokenMs)} + ${ms(MAX_FIRST_BYTE_OVERHEAD_MS)})`,
      firstByte.p99,
      REALISTIC_PACE.firstTokenMs + MAX_FIRST_BYTE_OVERHEAD_MS,
      ms,
    ),
    atMost(
      "First streamed byte p99, the plan's bar (a conversational answer starts)",
      firstByte.p99,
      PLAN_FIRST_BYTE_MS,
      ms,
    ),
  ];
  printNotes(
    `Each turn: POST /conversations/{id}/messages/stream over HTTP (JWT verification, the turn's claim, template and`,
    `  history, the prompt, the gateway's rate count and reservation, ConverseStream to the fake), timed until the chunk`,
    `  that completes the first \`delta\` event; the fake writes its first delta ${ms(REALISTIC_PACE.firstTokenMs)} after the request.`,
    `${STREAMED_TURNS} conversations of ${STREAMED_TURNS} users, opened beforehand (the fake answering their openings at once); ${STREAM_WARMUP} more`,
    `  turns streamed first, one by one, unmeasured. Every stream's deltas made the reply, which echoed its own message's`,
    `  reference, and ended with the turn event.`,
    ...results.map(verdictLine),
  );
  return results;
};

/** A transcript's problem, if any: anything but the opening, the owner's own message and the reply to it. */
const transcriptProblem = (response: BenchResponse, session: Session): string | undefined => {
  if (response.status !== 200) return `read ${response.status}`;
  const { messages } = JSON.parse(response.text) as { messages: Message[] };
  const [opening, owner, coach] = messages;
  if (messages.length !== 3 || opening?.role !== 'assistant') return `${messages.length} messages`;
  if (owner?.role !== 'user' || owner.text !== ownerMessage(session)) return "the owner's message is not theirs";
  if (coach?.role !== 'assistant' || !answersOnly(coach.text, session)) return 'the reply is not to their message';
  return undefined;
};

/**
 * Opens SIMULTANEOUS_TURNS conversations, then sends one reply to each at once (the fake at realistic pace) and reads
 * every transcript back: no errors, nothing lost or crossed, and each turn's overhead over the fake's own time.
 */
export const benchSimultaneousTurns = async (
  stack: LocalStack,
  bedrock: FakeBedrock,
  client: BenchClient,
  demoTenants: readonly string[],
): Promise<TargetResult[]> => {
  printHeading(`9. ${count(SIMULTANEOUS_TURNS)} simultaneous conversations, each with a turn in flight (over HTTP)`);
  bedrock.setPace(undefined);
  const sessions = await openSessions(stack, client, demoTenants, SIMULTANEOUS_TURNS, 'crowd');
  bedrock.setPace(REALISTIC_PACE);
  let peakModelCalls = 0;
  const watch = setInterval(() => (peakModelCalls = Math.max(peakModelCalls, bedrock.openCalls())), 20);
  const budgetBefore = process.env.LOCAL_INVOCATION_BUDGET_MS;
  process.env.LOCAL_INVOCATION_BUDGET_MS = String(CROWD_INVOCATION_BUDGET_MS);
  const cpuBefore = process.cpuUsage();
  const replies = await Promise.all(
    sessions.map((session) =>
      client
        .call('POST', `/conversations/${session.id}/messages`, {
          token: session.token,
          body: { message: ownerMessage(session) },
        })
        .catch((error: Error): BenchResponse => ({ status: 0, headers: {}, text: error.message, sentAt: 0, ms: 0 })),
    ),
  );
  const cpu = process.cpuUsage(cpuBefore);
  if (budgetBefore === undefined) delete process.env.LOCAL_INVOCATION_BUDGET_MS;
  else process.env.LOCAL_INVOCATION_BUDGET_MS = budgetBefore;
  clearInterval(watch);
  const wallMs = Math.max(...replies.map((reply) => reply.ms));
  const cpuPerTurnMs = (cpu.user + cpu.system) / 1000 / SIMULTANEOUS_TURNS;
  const transcripts = await mapConcurrent(sessions, READ_CONCURRENCY, (session) =>
    client.call('GET', `/conversations/${session.id}?pageSize=50`, { token: session.token }),
  );

  const errors = replies.filter((reply) => reply.status !== 200);
  const answeredWrong = replies.filter((reply, index) => {
    if (reply.status !== 200) return false;
    return !answersOnly((JSON.parse(reply.text) as { message: Message }).message.text, sessions[index] as Session);
  });
  const transcriptProblems = transcripts.flatMap((transcript, index) => {
    const problem = transcriptProblem(transcript, sessions[index] as Session);
    return problem === undefined ? [] : [problem];
  });
  const fakeMs = modelMs(REALISTIC_PACE, TURN_OUTPUT_TOKENS);
  const ok = replies.filter((reply) => reply.status === 200);
  const latency = distribution(ok.map((reply) => reply.ms));
  const overhead = distribution(ok.map((reply) => reply.ms - fakeMs));
  const late = ok.filter((reply) => reply.ms > API_GATEWAY_TIMEOUT_MS).length;
  printTable(
    ['per turn', 'turns', 'p50', 'p95', 'p99', 'max'],
    [
      distributionRow('reply latency (POST /messages)', latency),
      distributionRow(`  overhead = latency − the fake's ${ms(fakeMs)}`, overhead),
    ],
  );
  const results = [
    equals('Simultaneous turns: errors', errors.length, 0, count),
    equals('Simultaneous turns: lost or crossed messages', answeredWrong.length + transcriptProblems.length, 0, count),
    info(`Simultaneous turns: overhead p99 (${count(SIMULTANEOUS_TURNS)} at once)`, ms(overhead.p99)),
    info(
      `Simultaneous turns answered after ${ms(API_GATEWAY_TIMEOUT_MS)} (one local process)`,
      `${count(late)} of ${count(ok.length)}`,
    ),
  ];
  const statuses = [...new Set(errors.map((reply) => reply.status))].join(', ');
  printNotes(
    `${count(SIMULTANEOUS_TURNS)} users (spread over ${demoTenants.length} demo tenants) each opened a conversation (the fake answering at once),`,
    `  then all sent one reply at once: POST /conversations/{id}/messages over HTTP, a socket each (keep-alive agent).`,
    `  The fake answers each turn after ${ms(REALISTIC_PACE.firstTokenMs)} + ${TURN_OUTPUT_TOKENS} tokens / ${REALISTIC_PACE.tokensPerSecond} per s = ${ms(fakeMs)}; at most ${count(peakModelCalls)} model calls were open at once.`,
    `  The last reply came ${ms(wallMs)} after they were sent; the process (server, handlers, dynalite, the fake, the`,
    `  client) spent ${ms(cpuPerTurnMs)} of CPU per turn, one thread for all of them, so the turns queue for it: with`,
    `  a local invocation budget of ${ms(CROWD_INVOCATION_BUDGET_MS)} for this run instead of API Gateway's ${ms(API_GATEWAY_TIMEOUT_MS)} (each turn has`,
    `  its own Lambda when deployed), ${count(late)} turns answered after ${ms(API_GATEWAY_TIMEOUT_MS)}.`,
    `Errors: ${count(errors.length)}${errors.length > 0 ? ` (statuses ${statuses}, 0 = no HTTP answer: ${errors[0]?.text.slice(0, 160)})` : ''}; replies not echoing their own message: ${count(answeredWrong.length)};`,
    `  transcripts read back that are not [opening, their own message, the reply to it]: ${count(transcriptProblems.length)}` +
      (transcriptProblems.length > 0 ? ` (${transcriptProblems.slice(0, 3).join('; ')})` : '.'),
    ...results.map(verdictLine),
  );
  return results;
};
