import { businessData, documentClient, modelGateway, promptStore } from '../shared/adapters';
import { config } from '../shared/config';
import { once } from '../shared/once';
import { nudgesConfig } from './config';
import { ModelNudgePhraser, rulesPhraser, type NudgePhraser } from './phrasing';
import { NudgeService, type NudgeTunables } from './service';
import { DynamoNudgeStore } from './store';

/** The nudges use cases' tunables from config. */
export const nudgeTunables = (): NudgeTunables => {
  const cfg = nudgesConfig();
  return {
    activityRetentionDays: cfg.NUDGE_ACTIVITY_RETENTION_DAYS,
    dismissCooldownDays: cfg.NUDGE_DISMISS_COOLDOWN_DAYS,
    patternNewActivities: cfg.NUDGE_PATTERN_NEW_ACTIVITIES,
    scheduleMaxUsers: cfg.NUDGE_SCHEDULE_MAX_USERS,
  };
};

/** The nudges store on its table, built once per process. */
export const nudgeStore = /* @__PURE__ */ once(
  () => new DynamoNudgeStore(documentClient(), nudgesConfig().NUDGES_TABLE),
);

/** The rephrasing of the rules' messages: a fast model through the gateway, or (rules provider) the rules' own words. */
export const nudgePhraser = /* @__PURE__ */ once((): NudgePhraser =>
  config().LLM_PROVIDER === 'rules' ? rulesPhraser : new ModelNudgePhraser(modelGateway(), promptStore()),
);

/** The nudge service with its production adapters, built once per process. */
export const nudgeService = /* @__PURE__ */ once(
  (): NudgeService =>
    new NudgeService({
      store: nudgeStore(),
      businessData: businessData(),
      clock: () => new Date(),
      tunables: nudgeTunables(),
      phraser: nudgePhraser(),
    }),
);
