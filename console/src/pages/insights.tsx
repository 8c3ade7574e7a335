import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type ResponseOf } from '../api/client';
import { ErrorBox, Loading, useLoad } from '../ui';
import type { PageProps } from '.';

type Insight = ResponseOf<'/insights', 'get'>['items'][number];
type Job = ResponseOf<'/insight-jobs/{jobId}', 'get'>;

const RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;
const CATEGORIES = ['', 'strategy', 'operations', 'finance', 'marketing', 'leadership'] as const;
const STATUSES = ['active', 'acknowledged', 'dismissed'] as const;
const UNDO_MS = 5_000;

/** Polls a job every second until it is done or failed. */
const pollJob = async (jobId: string, onJob: (job: Job) => void): Promise<Job> => {
  for (;;) {
    const job = await api('get', '/insight-jobs/{jobId}', { path: { jobId } });
    onJob(job);
    if (job.status === 'done' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
};

/** Insights: cards by priority, filters, evidence and actions, dismiss with undo, acknowledge, refresh. */
export const InsightsPage = (_: PageProps) => {
  const [category, setCategory] = useState('');
  const [status, setStatus] = useState<string>('active');
  const [job, setJob] = useState<Job>();
  const [pendingDismiss, setPendingDismiss] = useState<Insight>();
  const [error, setError] = useState<unknown>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const list = useLoad(
    () => api('get', '/insights', { query: { category: category || undefined, status, page_size: 50 } }),
    [category, status],
  );
  const generation = list.value?.generation;
  useEffect(() => {
    if (generation?.jobId && (generation.status === 'pending' || generation.status === 'running')) {
      void pollJob(generation.jobId, setJob).then(list.reload, setError);
    }
  }, [generation?.jobId]);

  const refresh = async (): Promise<void> => {
    setError(undefined);
    try {
      const started = await api('post', '/insights/refresh');
      setJob(started);
      const finished = await pollJob(started.jobId, setJob);
      if (finished.status === 'failed') setError(new Error(`Refresh failed: ${finished.reason ?? 'unknown reason'}`));
      list.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  const commitDismiss = (insight: Insight): void => {
    setPendingDismiss(undefined);
    api('post', '/insights/{id}/dismiss', { path: { id: insight.id } }).then(list.reload, setError);
  };
  const dismiss = (insight: Insight): void => {
    if (pendingDismiss) commitDismiss(pendingDismiss);
    setPendingDismiss(insight);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => commitDismiss(insight), UNDO_MS);
  };
  const undo = (): void => {
    clearTimeout(timer.current);
    setPendingDismiss(undefined);
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  const acknowledge = (insight: Insight): void => {
    api('post', '/insights/{id}/acknowledge', { path: { id: insight.id } }).then(list.reload, setError);
  };
  const running = job && (job.status === 'pending' || job.status === 'running');

  return (
    <section>
      <div class="toolbar">
        <h1>Insights</h1>
        <label>
          Category{' '}
          <select value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
            {CATEGORIES.map((c) => (
              <option value={c} key={c}>
                {c || 'all'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <button type="button" class="primary" onClick={() => void refresh()} disabled={running}>
          {running ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <p class="status-line" aria-live="polite">
        {job ? `Job ${job.status}${job.reason ? `: ${job.reason}` : ''}` : '\u00a0'}
      </p>
      {error ? <ErrorBox error={error} /> : null}
      {pendingDismiss ? (
        <div class="undo" role="status">
          Dismissed “{pendingDismiss.title}”.{' '}
          <button type="button" onClick={undo}>
            Undo
          </button>
        </div>
      ) : null}
      <Loading state={list} minHeight={300}>
        {(value) => {
          const items = value.items
            .filter((item) => item.id !== pendingDismiss?.id)
            .sort((a, b) => RANK[a.priority] - RANK[b.priority]);
          return (
            <>
              <p class="meta">
                {value.total ?? items.length} insights
                {value.generatedAt ? ` · generated ${new Date(value.generatedAt).toLocaleString()}` : ''}
                {value.source ? ` · ${value.source === 'rules' ? 'offline rules' : 'model'}` : ''}{' '}
                {value.stale ? <span class="badge warn">stale</span> : null}{' '}
                {generation && generation.status !== 'done' ? <span class="badge">{generation.status}</span> : null}
              </p>
              {items.length === 0 ? (
                <p class="empty">
                  No {status} insights{category ? ` in ${category}` : ''}.
                </p>
              ) : null}
              <div class="cards">
                {items.map((insight) => (
                  <article class={`card priority-${insight.priority}`} key={insight.id} data-testid="insight">
                    <header class="row">
                      <span class={`badge priority-${insight.priority}`}>{insight.priority}</span>
                      <span class="badge">{insight.category}</span>
                      {insight.status !== 'active' ? <span class="badge">{insight.status}</span> : null}
                    </header>
                    <h2>{insight.title}</h2>
                    <p>{insight.description}</p>
                    <details>
                      <summary>Evidence ({insight.evidence.length})</summary>
                      <dl class="evidence">
                        {insight.evidence.map((item, i) => (
                          <div key={i}>
                            <dt>{item.metric}</dt>
                            <dd data-testid="evidence-value">{String(item.value)}</dd>
                          </div>
                        ))}
                      </dl>
                    </details>
                    <ul class="actions">
                      {insight.suggestedActions.map((action) => (
                        <li key={action}>{action}</li>
                      ))}
                    </ul>
                    {insight.status === 'active' ? (
                      <div class="row">
                        <button type="button" onClick={() => acknowledge(insight)}>
                          Acknowledge
                        </button>
                        <button type="button" onClick={() => dismiss(insight)} aria-label={`Dismiss ${insight.title}`}>
                          Dismiss
                        </button>
                      </div>
                    ) : null}
                  </article>
                ))}
              </div>
            </>
          );
        }}
      </Loading>
    </section>
  );
};
