import { useEffect, useState } from 'preact/hooks';
import { api, type ResponseOf } from '../api/client';
import { coachState, enqueueNudges } from '../coach';
import { ErrorBox, Field, Loading, useLoad } from '../ui';
import type { PageProps } from '.';

type Settings = ResponseOf<'/coach/settings', 'get'>['settings'];

const LEVELS = [
  { level: 1, name: 'Minimal', hint: 'Only critical nudges; a morning briefing if you want one.' },
  { level: 2, name: 'Balanced', hint: 'Important nudges after your actions, a few a day.' },
  { level: 3, name: 'Active Coach', hint: 'Every useful nudge, patterns included; toasts stay longer.' },
] as const;

const DEMO_ACTIONS = [
  {
    label: 'Close a deal',
    activity: (n: number) => ({
      action: 'deal_closed',
      entityType: 'deal',
      entityId: `demo-deal-${n}`,
      metadata: { won: true, value: 4_800, days_to_close: 21, source: 'referral' },
    }),
  },
  {
    label: 'Complete a task',
    activity: (n: number) => ({
      action: 'task_completed',
      entityType: 'task',
      entityId: `demo-task-${n}`,
      metadata: { priority: 'high', had_due_date: true, days_to_complete: 2 },
    }),
  },
  {
    label: 'Add a lead',
    activity: (n: number) => ({
      action: 'contact_created',
      entityType: 'contact',
      entityId: `demo-lead-${n}`,
      metadata: { source: 'website', status: 'lead', name: 'Demo lead' },
    }),
  },
  {
    label: 'Raise a critical issue',
    activity: (n: number) => ({
      action: 'issue_created',
      entityType: 'issue',
      entityId: `demo-issue-${n}`,
      metadata: { priority: 'critical', title: 'Van broke down' },
    }),
  },
];

/** Coach settings (intensity, briefing, thresholds, quiet hours, time zone) and, locally, a demo activity panel. */
export const CoachPage = ({ local }: PageProps) => {
  const loaded = useLoad(() => api('get', '/coach/settings'), []);
  const [draft, setDraft] = useState<Settings>();
  const [saved, setSaved] = useState('');
  const [error, setError] = useState<unknown>();
  const [posted, setPosted] = useState('');
  useEffect(() => {
    if (loaded.value) {
      setDraft(loaded.value.settings);
      coachState.level = loaded.value.settings.coachLevel;
    }
  }, [loaded.value]);
  const set = (patch: Partial<Settings>): void => setDraft((current) => (current ? { ...current, ...patch } : current));
  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!draft) return;
    setError(undefined);
    try {
      const { settings } = await api('put', '/coach/settings', {
        body: {
          coachLevel: draft.coachLevel,
          morningBriefing: draft.morningBriefing,
          staleLeadDays: draft.staleLeadDays,
          stuckDealDays: draft.stuckDealDays,
          patternInsights: draft.patternInsights,
          quietHours: draft.quietHours,
          timeZone: draft.timeZone,
        },
      });
      setDraft(settings);
      coachState.level = settings.coachLevel;
      setSaved(`Saved at ${new Date().toLocaleTimeString()}`);
    } catch (caught) {
      setError(caught);
    }
  };
  const post = async (index: number): Promise<void> => {
    const action = DEMO_ACTIONS[index];
    if (!action) return;
    setError(undefined);
    try {
      const result = await api('post', '/coach/activity', { body: action.activity(Date.now()) });
      setPosted(`${action.label}: ${result.nudges.length} nudge${result.nudges.length === 1 ? '' : 's'}`);
      enqueueNudges(result.nudges);
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section class="two">
      <form class="card" onSubmit={(event) => void save(event)} aria-labelledby="coach-title">
        <h1 id="coach-title">Coach settings</h1>
        {error ? <ErrorBox error={error} /> : null}
        <Loading state={loaded} minHeight={420}>
          {() =>
            draft ? (
              <>
                <fieldset>
                  <legend>Intensity</legend>
                  {LEVELS.map((option) => (
                    <label class="choice" key={option.level}>
                      <input
                        type="radio"
                        name="level"
                        checked={draft.coachLevel === option.level}
                        onChange={() => set({ coachLevel: option.level })}
                      />
                      <span>
                        <strong>{option.name}</strong> <span class="hint">{option.hint}</span>
                      </span>
                    </label>
                  ))}
                </fieldset>
                <label class="choice">
                  <input
                    type="checkbox"
                    checked={draft.morningBriefing}
                    onChange={(e) => set({ morningBriefing: e.currentTarget.checked })}
                  />
                  Morning briefing
                </label>
                <label class="choice">
                  <input
                    type="checkbox"
                    checked={draft.patternInsights}
                    onChange={(e) => set({ patternInsights: e.currentTarget.checked })}
                  />
                  Pattern insights
                </label>
                <Field label="Stale leads after (days)">
                  <input
                    type="number"
                    min={1}
                    max={90}
                    value={draft.staleLeadDays}
                    onInput={(e) => set({ staleLeadDays: Number(e.currentTarget.value) })}
                  />
                </Field>
                <Field label="Stuck deals after (days)">
                  <input
                    type="number"
                    min={1}
                    max={180}
                    value={draft.stuckDealDays}
                    onInput={(e) => set({ stuckDealDays: Number(e.currentTarget.value) })}
                  />
                </Field>
                <fieldset>
                  <legend>Quiet hours</legend>
                  <label class="choice">
                    <input
                      type="checkbox"
                      checked={draft.quietHours !== null}
                      onChange={(e) =>
                        set({ quietHours: e.currentTarget.checked ? { start: '20:00', end: '07:00' } : null })
                      }
                    />
                    On
                  </label>
                  {draft.quietHours ? (
                    <div class="row">
                      <Field label="From">
                        <input
                          type="time"
                          value={draft.quietHours.start}
                          onInput={(e) =>
                            set({ quietHours: { start: e.currentTarget.value, end: draft.quietHours?.end ?? '07:00' } })
                          }
                        />
                      </Field>
                      <Field label="To">
                        <input
                          type="time"
                          value={draft.quietHours.end}
                          onInput={(e) =>
                            set({
                              quietHours: { start: draft.quietHours?.start ?? '20:00', end: e.currentTarget.value },
                            })
                          }
                        />
                      </Field>
                    </div>
                  ) : null}
                </fieldset>
                <Field label="Time zone" hint="An IANA name, e.g. Europe/London">
                  <input value={draft.timeZone} onInput={(e) => set({ timeZone: e.currentTarget.value })} />
                </Field>
                <div class="row">
                  <button type="submit" class="primary">
                    Save
                  </button>
                  <span class="muted" role="status">
                    {saved}
                  </span>
                </div>
              </>
            ) : null
          }
        </Loading>
      </form>
      {local ? (
        <aside class="card">
          <h2>Demo activity</h2>
          <p class="hint">Local mode: post an activity as if it happened in the business app; nudges show as toasts.</p>
          <div class="stack">
            {DEMO_ACTIONS.map((action, index) => (
              <button type="button" key={action.label} onClick={() => void post(index)}>
                {action.label}
              </button>
            ))}
          </div>
          <p class="muted" role="status" data-testid="posted">
            {posted || '\u00a0'}
          </p>
        </aside>
      ) : null}
    </section>
  );
};
