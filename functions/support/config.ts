import { tableNameEnv, envConfig } from '../shared/config';
import * as z from '../shared/zod';
import { conversationsTable } from '../conversations/tables';
import { parseSupportConfig } from './model';
import { ticketsTable } from './tables';

/** The environment the support capability reads (parsed once, at cold start). */
export const supportEnv = z.object({
  ...tableNameEnv(ticketsTable),
  /** The conversations a ticket's history is read from. */
  ...tableNameEnv(conversationsTable),
  /**
   * Departments and skills by category, business hours, the queue's pace, history and retention (JSON, merged over
   * the defaults in support/model.ts; unset: the defaults).
   */
  SUPPORT_CONFIG: z.pipe(
    z.optional(z.string()),
    z.transform((json, ctx) => {
      try {
        return parseSupportConfig(json);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: json });
        return z.NEVER;
      }
    }),
  ),
  /** EventBridge bus for human hand-off events (HumanHandoffRequested); unset: hand-offs are only logged. */
  HANDOFF_EVENT_BUS: z.optional(z.string().check(z.minLength(1))),
});

/** The support capability's configuration. */
export const supportConfig = envConfig(supportEnv);
