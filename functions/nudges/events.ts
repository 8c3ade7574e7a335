import * as z from '../shared/zod';
import { activityBodySchema } from './model';

/** The EventBridge detail-type other services publish an activity under. */
export const ACTIVITY_LOGGED = 'ActivityLogged';

const id = z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[^#\s]+$/, 'must not contain # or spaces'));

/**
 * The detail of an `ActivityLogged` event: the activity as `POST /coach/activity` takes it, plus whose it is (the
 * publishing service is trusted with the tenant and user: only principals of this account can put events on the bus).
 * Without an eventId the event's own id is used, so EventBridge's at-least-once delivery stores it once.
 */
export const activityLoggedSchema = z.extend(activityBodySchema, { tenantId: id, userId: id });
export type ActivityLogged = z.output<typeof activityLoggedSchema>;
