import type { Activity } from '../functions/nudges/model';
import { seededRandom } from './seeded-random';

/** How busy and how successful a demo business is. */
interface Profile {
  readonly deals: number;
  readonly winRate: number;
  readonly tasks: number;
  readonly completionRate: number;
  readonly leads: number;
  readonly contactRate: number;
}

/** The demo tenants' profiles (struggling, mixed, healthy, as their business fixtures are). */
export const DEMO_PROFILES: Readonly<Record<string, Profile>> = {
  'acme-plumbing': { deals: 36, winRate: 0.45, tasks: 90, completionRate: 0.7, leads: 30, contactRate: 0.7 },
  'brightside-dental': { deals: 40, winRate: 0.6, tasks: 100, completionRate: 0.8, leads: 28, contactRate: 0.85 },
  'northwind-saas': { deals: 48, winRate: 0.7, tasks: 110, completionRate: 0.9, leads: 34, contactRate: 0.9 },
};

const SOURCES = ['referral', 'website', 'ads', 'trade show'] as const;
const STAGES = ['qualified', 'demo', 'proposal', 'negotiation'] as const;
const NAMES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Soylent'];
const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
const TASKS = ['Send quote', 'Call supplier', 'Review invoices', 'Plan the week', 'Update the website', 'Hire a tech'];
const DAY_MS = 86_400_000;
const HISTORY_DAYS = 90;

const seedOf = (text: string): number =>
  [...text].reduce((hash, c) => Math.imul(hash ^ c.charCodeAt(0), 16_777_619), 2_166_136_261);

/**
 * A deterministic activity history for a demo tenant: a few hundred events over the last 90 days before `now`
 * (deals from several sources through their stages to won or lost, tasks created and completed at working hours,
 * leads created and contacted, time logged), shaped so that every kind of nudge has data: stale leads, stuck and
 * long-running deals, overdue tasks and high-priority tasks due today, and enough closed deals and completed tasks
 * for the patterns.
 */
export const demoActivityHistory = (tenantId: string, now: Date, profile = DEMO_PROFILES[tenantId]): Activity[] => {
  if (!profile) return [];
  const random = seededRandom(seedOf(tenantId));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const events: Activity[] = [];
  const at = (daysAgo: number, hour = 9 + Math.floor(random() * 8)): Date => {
    const day = new Date(now.getTime() - daysAgo * DAY_MS);
    day.setUTCHours(hour, Math.floor(random() * 60), 0, 0);
    return day.getTime() > now.getTime() ? new Date(now.getTime() - 60_000) : day;
  };
  const add = (action: string, entityType: string, entityId: string, when: Date, metadata: Record<string, unknown>) =>
    events.push({
      eventId: `demo-${tenantId}-${events.length}`,
      action,
      entityType,
      entityId,
      metadata,
      occurredAt: when.toISOString(),
      receivedAt: when.toISOString(),
    });

  for (let i = 0; i < profile.deals; i += 1) {
    const id = `deal-${i}`;
    const source = pick(SOURCES);
    const startedAgo = 5 + Math.floor(random() * (HISTORY_DAYS - 5));
    const value = Math.round((source === 'referral' ? 8000 : 3000) * (0.5 + random()));
    add('deal_created', 'deal', id, at(startedAgo), {
      value,
      stage: STAGES[0],
      contact_id: `contact-d${i}`,
      source,
      name: `${pick(NAMES)} ${i}`,
    });
    const cycle = Math.round((source === 'referral' ? 14 : source === 'website' ? 24 : 32) * (0.7 + random() * 0.6));
    const closes = startedAgo - cycle > 0 && random() < 0.85;
    const lastStage = closes ? Math.floor(random() * STAGES.length) : Math.floor(random() * 3);
    for (let stage = 1; stage <= lastStage; stage += 1) {
      const ago = startedAgo - Math.round((cycle * stage) / (STAGES.length + 1));
      if (ago <= 0) break;
      add('deal_stage_changed', 'deal', id, at(ago), {
        old_stage: STAGES[stage - 1],
        new_stage: STAGES[stage],
        days_in_stage: Math.round(cycle / (STAGES.length + 1)),
      });
    }
    if (closes) {
      const won = random() < profile.winRate;
      add('deal_closed', 'deal', id, at(startedAgo - cycle), {
        won,
        value,
        days_to_close: cycle,
        source,
        contact_name: `${pick(NAMES)} contact`,
      });
    }
  }
  for (let i = 0; i < profile.tasks; i += 1) {
    const id = `task-${i}`;
    const createdAgo = Math.floor(random() * HISTORY_DAYS);
    const priority = PRIORITIES[Math.min(3, Math.floor(random() * 3.3))] as string;
    const dueAgo = createdAgo - 1 - Math.floor(random() * 10);
    const dueDate = new Date(now.getTime() - Math.max(dueAgo, -5) * DAY_MS).toISOString().slice(0, 10);
    add('task_created', 'task', id, at(createdAgo), {
      priority,
      has_due_date: true,
      due_date: dueDate,
      title: `${pick(TASKS)} #${i}`,
    });
    if (random() < profile.completionRate && createdAgo > 0) {
      const took = 1 + Math.floor(random() * Math.min(5, createdAgo));
      // Completions cluster on Tuesdays and Wednesdays mornings, so the best-time pattern has something to find.
      const doneAgo = Math.max(0, createdAgo - took);
      add('task_completed', 'task', id, at(doneAgo, random() < 0.5 ? 10 : 9 + Math.floor(random() * 8)), {
        priority,
        had_due_date: true,
        days_to_complete: took,
      });
    }
  }
  for (let i = 0; i < 2; i += 1) {
    add('task_created', 'task', `task-today-${i}`, at(1), {
      priority: 'high',
      has_due_date: true,
      due_date: now.toISOString().slice(0, 10),
      title: `${TASKS[i]} (today)`,
    });
  }
  for (let i = 0; i < profile.leads; i += 1) {
    const id = `lead-${i}`;
    const createdAgo = 1 + Math.floor(random() * (HISTORY_DAYS - 1));
    add('contact_created', 'contact', id, at(createdAgo), {
      source: pick(SOURCES),
      status: 'lead',
      name: `${pick(NAMES)} lead ${i}`,
    });
    if (random() < profile.contactRate) add('contact_contacted', 'contact', id, at(Math.floor(createdAgo / 3)), {});
  }
  for (let day = HISTORY_DAYS; day > 0; day -= 3) {
    add('time_logged', 'project', `project-${day % 4}`, at(day), {
      duration: 1 + Math.floor(random() * 6),
      project_id: `project-${day % 4}`,
      is_billable: random() < 0.7,
    });
  }
  return events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
};

/** The user the demo history belongs to: the one `npm start` and `npm run token` mint tokens for by default. */
export const DEMO_USER = 'dev-user';

/**
 * Loads each demo tenant's history for DEMO_USER (`npm start`), sets that user's coach to level 3 with pattern
 * insights (so all three kinds show), and records one last activity through the ingest use case, a deal won just now,
 * so a reactive nudge is waiting too. Needs the local runtime's env in place (the nudges table on dynalite).
 */
export const seedDemoActivity = async (tenantIds: readonly string[], now = new Date()): Promise<number> => {
  const { nudgeService, nudgeStore, nudgeTunables } = await import('../functions/nudges/wiring');
  const { startInvocation } = await import('../functions/shared/invocation');
  const { serviceCaller } = await import('../functions/shared/caller');
  const { logger } = await import('../functions/shared/observability');
  const expiresAt = new Date(now.getTime() + nudgeTunables().activityRetentionDays * DAY_MS);
  let loaded = 0;
  for (const tenantId of tenantIds) {
    const user = { tenantId, userId: DEMO_USER };
    const history = demoActivityHistory(tenantId, now);
    await nudgeStore().importActivities(user, history, expiresAt);
    await nudgeStore().saveSettings(user, { coachLevel: 3, patternInsights: true });
    const scope = startInvocation({
      caller: serviceCaller(tenantId, DEMO_USER, ''),
      correlationId: `demo-seed:${tenantId}`,
      log: logger,
      deadlineAt: Date.now() + 30_000,
    });
    await nudgeService().ingest(scope.invocation, {
      action: 'deal_closed',
      entityType: 'deal',
      entityId: 'deal-0',
      eventId: `demo-${tenantId}-won-today`,
      metadata: { won: true, value: 14_800, days_to_close: 18, source: 'referral', contact_name: 'Sarah' },
    });
    loaded += history.length + 1;
  }
  return loaded;
};
