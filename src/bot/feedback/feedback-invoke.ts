import { ActivityTypes, type Activity } from 'botbuilder';

/** The invoke Teams (and the Agents Playground) send when a user rates an AI answer. */
export const SUBMIT_ACTION_INVOKE = 'message/submitAction';

function isSubmitAction(activity: Partial<Activity>): boolean {
  return activity.type === ActivityTypes.Invoke && activity.name === SUBMIT_ACTION_INVOKE;
}

/** A `message/submitAction` invoke whose value names the feedback action: teams-ai's feedbackLoop route takes it. */
export function isFeedbackInvoke(activity: Partial<Activity>): boolean {
  if (!isSubmitAction(activity)) return false;
  const value: unknown = activity.value;
  return !!value && typeof value === 'object' && (value as { actionName?: unknown }).actionName === 'feedback';
}

/** Any other `message/submitAction` invoke (another action, or a value that is not an object): answered and ignored. */
export function isOtherSubmitAction(activity: Partial<Activity>): boolean {
  return isSubmitAction(activity) && !isFeedbackInvoke(activity);
}
