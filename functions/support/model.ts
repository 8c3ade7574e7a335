import * as z from '../shared/zod';

/** How urgent a ticket is. */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Where a priority queues: more urgent tickets are served first (0 = first). */
export const priorityRank = (priority: Priority): number => PRIORITIES.length - 1 - PRIORITIES.indexOf(priority);

/** Where a ticket is in its life. */
export const STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof STATUSES)[number];

/** The moves a ticket's status may make: closed is final; a resolved ticket may be reopened or closed. */
const TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  open: ['in_progress', 'resolved', 'closed'],
  in_progress: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

/** True when a ticket may move from `from` to `to` (staying put is not a move). */
export const canMove = (from: TicketStatus, to: TicketStatus): boolean => TRANSITIONS[from].includes(to);

/** A message of the conversation a ticket carries, as a human agent reads it. */
export const ticketMessageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  at: z.iso.datetime(),
});
export type TicketMessage = z.infer<typeof ticketMessageSchema>;

/** A support ticket: a request for a human, with what the agent needs to pick it up. */
export const ticketSchema = z.object({
  tenantId: z.string(),
  ticketId: z.string(),
  userId: z.string(),
  reason: z.string(),
  priority: z.enum(PRIORITIES),
  category: z.string(),
  status: z.enum(STATUSES),
  department: z.string(),
  skillsRequired: z.array(z.string()),
  conversationId: z.optional(z.string()),
  history: z.array(ticketMessageSchema),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Ticket = z.infer<typeof ticketSchema>;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The support configuration: departments by category, business hours, and the queue's pace. */
export const supportConfigSchema = z.object({
  categories: z.record(
    z.string(),
    z.object({ department: z.string().check(z.minLength(1)), skills: z.array(z.string()) }),
  ),
  /** Tickets of an unknown category go here. */
  fallbackCategory: z.string(),
  businessHours: z.object({
    timeZone: z.string().check(
      z.refine((zone) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'not an IANA time zone'),
    ),
    /** ISO weekdays (1 = Monday ... 7 = Sunday). */
    days: z.array(z.number().check(z.int(), z.gte(1), z.lte(7))),
    open: z.string().check(z.regex(HHMM)),
    close: z.string().check(z.regex(HHMM)),
  }),
  minutesPerTicket: z.number().check(z.positive()),
  /** How much longer the wait is outside business hours (a factor on the in-hours estimate)... */
  outOfHoursFactor: z.number().check(z.gte(1)),
  /** ...plus the time until the next opening, at least. */
  historyMessages: z.number().check(z.int(), z.gte(0), z.lte(50)),
  ticketTtlDays: z.number().check(z.int(), z.positive()),
});
export type SupportConfig = z.infer<typeof supportConfigSchema>;

/** The defaults when no SUPPORT_CONFIG is set. */
export const DEFAULT_SUPPORT_CONFIG: SupportConfig = {
  categories: {
    technical: { department: 'technical_support', skills: ['integrations', 'troubleshooting'] },
    billing: { department: 'billing', skills: ['invoicing', 'plans'] },
    coaching: { department: 'coaching', skills: ['business_coaching'] },
    account: { department: 'customer_success', skills: ['account_management'] },
    general: { department: 'customer_success', skills: ['general_support'] },
  },
  fallbackCategory: 'general',
  businessHours: { timeZone: 'America/New_York', days: [1, 2, 3, 4, 5], open: '09:00', close: '17:00' },
  minutesPerTicket: 10,
  outOfHoursFactor: 1.5,
  historyMessages: 10,
  ticketTtlDays: 365,
};

/** Parses a JSON support configuration (undefined or empty: the defaults); throws naming what is wrong. */
export const parseSupportConfig = (json: string | undefined): SupportConfig => {
  if (json === undefined || json.trim() === '') return DEFAULT_SUPPORT_CONFIG;
  const parsed = supportConfigSchema.safeParse({ ...DEFAULT_SUPPORT_CONFIG, ...(JSON.parse(json) as object) });
  if (!parsed.success) throw new Error(`SUPPORT_CONFIG is invalid: ${z.prettifyError(parsed.error)}`);
  if (!(parsed.data.fallbackCategory in parsed.data.categories))
    throw new Error(`SUPPORT_CONFIG is invalid: fallbackCategory ${parsed.data.fallbackCategory} is not a category`);
  return parsed.data;
};

/** The department and skills a category routes to (unknown categories: the fallback's). */
export const routeCategory = (
  config: SupportConfig,
  category: string,
): { readonly category: string; readonly department: string; readonly skills: readonly string[] } => {
  const known = Object.hasOwn(config.categories, category) ? category : config.fallbackCategory;
  const route = config.categories[known]!;
  return { category: known, department: route.department, skills: route.skills };
};

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The weekday (ISO) and minute of the day of `at` in the time zone. */
const localClock = (at: Date, timeZone: string): { readonly day: number; readonly minute: number } => {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string): string => parts.find((each) => each.type === type)?.value ?? '';
  return { day: WEEKDAYS[part('weekday')] ?? 1, minute: Number(part('hour')) * 60 + Number(part('minute')) };
};

/** True when `at` is inside the business hours (agents are available). */
export const insideBusinessHours = (config: SupportConfig, at: Date): boolean => {
  const { timeZone, days, open, close } = config.businessHours;
  const { day, minute } = localClock(at, timeZone);
  return days.includes(day) && minute >= minutesOf(open) && minute < minutesOf(close);
};

/** Minutes from `at` until the business hours next open (0 inside them; scanned minute-steps of 15, up to 8 days). */
export const minutesUntilOpen = (config: SupportConfig, at: Date): number => {
  const STEP = 15;
  for (let minutes = 0; minutes <= 8 * 24 * 60; minutes += STEP) {
    if (insideBusinessHours(config, new Date(at.getTime() + minutes * 60_000))) return minutes;
  }
  return 0;
};

/**
 * The estimated wait in minutes for a ticket with `ahead` open tickets before it in its department: (ahead + 1) x
 * minutesPerTicket inside business hours; outside them, the time until they open plus that estimate times the
 * out-of-hours factor.
 */
export const estimateWaitMinutes = (config: SupportConfig, ahead: number, at: Date): number => {
  const inHours = (ahead + 1) * config.minutesPerTicket;
  if (insideBusinessHours(config, at)) return inHours;
  return minutesUntilOpen(config, at) + Math.ceil(inHours * config.outOfHoursFactor);
};
