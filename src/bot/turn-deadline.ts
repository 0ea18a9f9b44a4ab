/**
 * The deadline of a turn delivered normally (replies through the Bot Connector), carried in the turn context from
 * the HTTP route to the middleware (which gives the turn's claim back, or bills it) and to the model (whose call is
 * cancelled). Turns in `expectReplies` mode carry none: their replies travel in the HTTP response, and they are
 * bounded by the model's own timeout.
 */
export const TURN_DEADLINE_KEY = Symbol('turnDeadline');

/** Structural view of botbuilder's TurnContext.turnState, so this module needs no SDK import. */
interface HasTurnState {
  turnState: Map<unknown, unknown>;
}

/** Aborted when the turn reaches its deadline (or the process shuts down). */
export function turnDeadlineOf(context: HasTurnState): AbortSignal | undefined {
  const signal = context.turnState.get(TURN_DEADLINE_KEY);
  return signal instanceof AbortSignal ? signal : undefined;
}

export function setTurnDeadline(context: HasTurnState, signal: AbortSignal): void {
  context.turnState.set(TURN_DEADLINE_KEY, signal);
}
