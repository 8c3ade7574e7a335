import { defineCapability, defineRoute } from '../shared/http/route';
import { nudgesEnv } from './config';
import {
  activityBodySchema,
  ingestResponseSchema,
  nudgeListSchema,
  nudgeParamsSchema,
  nudgeResponseSchema,
  settingsBodySchema,
  settingsResponseSchema,
  snoozeBodySchema,
} from './model';
import { nudgesTable } from './tables';

const writes = { tables: { nudges: 'readWrite' } } as const;
/** Raising nudges may have a model rephrase them (phrasing.ts): the template, Bedrock and the usage ledger. */
const raises = {
  tables: { nudges: 'readWrite', usage: 'readWrite', promptIndex: 'read' },
  promptsBucket: 'read',
  bedrock: true,
} as const;
/** A read raises the time nudges, with the tenant's goals from the Traction API. */
const evaluates = { ...raises, businessApi: true } as const;

const record = {
  auth: 'user',
  tag: 'nudges',
  body: activityBodySchema,
  response: { status: 201, schema: ingestResponseSchema },
  errors: ['unprocessable'],
  grants: raises,
} as const;
const list = {
  method: 'GET',
  auth: 'user',
  tag: 'nudges',
  response: { status: 200, schema: nudgeListSchema },
  grants: evaluates,
} as const;
const dismiss = {
  method: 'POST',
  auth: 'user',
  tag: 'nudges',
  params: nudgeParamsSchema,
  response: { status: 200, schema: nudgeResponseSchema },
  errors: ['not_found'],
  grants: writes,
} as const;
const RECORD_SUMMARY =
  'Record what the user just did (once per eventId: a repeat stores nothing and raises nothing) and answer the ' +
  'reactive nudges to show now (possibly none); metadata of a known action is checked (422 naming every bad field)';
const LIST_SUMMARY =
  "The caller's pending nudges, highest priority first, after the time (and, when due, pattern) nudges their data " +
  'calls for; within their level, daily cap, quiet hours and snoozes';
const DISMISS_SUMMARY = 'Dismiss a nudge: the same rule and entity is not raised again for 30 days';

/** The nudges capability's rows of the route table: activity, nudges and the coach's settings, each the caller's own. */
export const nudges = defineCapability({
  env: nudgesEnv,
  tables: { nudges: nudgesTable },
  routes: {
    recordActivity: defineRoute({
      ...record,
      method: 'POST',
      path: '/coach/activity',
      handler: 'functions/nudges/handlers/record-activity.ts',
      summary: RECORD_SUMMARY,
    }),
    checkActivity: defineRoute({
      ...record,
      method: 'POST',
      path: '/coach/check',
      handler: 'functions/nudges/handlers/check-activity.ts',
      summary: `${RECORD_SUMMARY} (POST /coach/activity under the frontend's name)`,
    }),
    listNudges: defineRoute({
      ...list,
      path: '/coach/nudges',
      handler: 'functions/nudges/handlers/list-nudges.ts',
      summary: LIST_SUMMARY,
    }),
    listCoachInsights: defineRoute({
      ...list,
      path: '/coach/insights',
      handler: 'functions/nudges/handlers/list-coach-insights.ts',
      summary: `${LIST_SUMMARY} (GET /coach/nudges under the frontend's name)`,
    }),
    markNudgeSeen: defineRoute({
      ...dismiss,
      path: '/coach/nudges/{id}/seen',
      handler: 'functions/nudges/handlers/mark-nudge-seen.ts',
      summary: 'Mark a nudge seen (its toast was shown); it leaves the pending list',
    }),
    dismissNudge: defineRoute({
      ...dismiss,
      path: '/coach/nudges/{id}/dismiss',
      handler: 'functions/nudges/handlers/dismiss-nudge.ts',
      summary: DISMISS_SUMMARY,
    }),
    dismissCoachNudge: defineRoute({
      ...dismiss,
      path: '/coach/dismiss/{id}',
      handler: 'functions/nudges/handlers/dismiss-coach-nudge.ts',
      summary: `${DISMISS_SUMMARY} (POST /coach/nudges/{id}/dismiss under the frontend's name)`,
    }),
    snoozeNudge: defineRoute({
      ...dismiss,
      path: '/coach/nudges/{id}/snooze',
      handler: 'functions/nudges/handlers/snooze-nudge.ts',
      summary: 'Snooze a nudge for 1 or 24 hours; then it is pending again',
      body: snoozeBodySchema,
    }),
    getNudgeSettings: defineRoute({
      method: 'GET',
      path: '/coach/settings',
      handler: 'functions/nudges/handlers/get-nudge-settings.ts',
      auth: 'user',
      summary: "The caller's coach settings (defaults for what they never set)",
      tag: 'nudges',
      response: { status: 200, schema: settingsResponseSchema },
      grants: { tables: { nudges: 'read' } },
    }),
    updateNudgeSettings: defineRoute({
      method: 'PUT',
      path: '/coach/settings',
      handler: 'functions/nudges/handlers/update-nudge-settings.ts',
      auth: 'user',
      summary:
        'Change any of the coach settings (coachLevel 1-3, enabled, staleLeadDays, stuckDealDays, morningBriefing, ' +
        'patternInsights, types, quietHours, timeZone); the others keep their value. 422 names every bad field',
      tag: 'nudges',
      body: settingsBodySchema,
      response: { status: 200, schema: settingsResponseSchema },
      errors: ['unprocessable'],
      grants: writes,
    }),
  },
});
