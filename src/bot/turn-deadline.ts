/**
 * The deadline of a turn delivered normally (replies through the Bot Connector), handed from the HTTP route to the
 * middleware (which settles the turn's claim when it is reached) and to the model (whose call is cancelled). Keyed
 * by the inbound activity object, which botbuilder's turn context keeps as is: the route has no turn context
 * before the middleware runs. Turns in `expectReplies` mode carry none: their replies travel in the HTTP response,
 * and they are bounded by the model's own timeout.
 */
interface TurnWatch {
  /** Aborted when the turn reaches its deadline (or the process shuts down). */
  deadline: AbortSignal;
  /** Called once the turn is past authentication: from then on an acknowledgement may be sent. */
  started: () => void;
}

const watches = new WeakMap<object, TurnWatch>();

/** Structural view of botbuilder's TurnContext, so this module needs no SDK import. */
interface HasActivity {
  activity: object;
}

export function watchTurn(activity: object, watch: TurnWatch): void {
  watches.set(activity, watch);
}

export function turnDeadlineOf(context: HasActivity): AbortSignal | undefined {
  return watches.get(context.activity)?.deadline;
}

/** The turn passed authentication and reached our code. */
export function markTurnStarted(context: HasActivity): void {
  watches.get(context.activity)?.started();
}
