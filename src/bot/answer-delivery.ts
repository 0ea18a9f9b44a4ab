import { ActivityTypes, type Activity, type ResourceResponse, type TurnContext } from 'botbuilder';
import { streamPartOf } from '../domain/answer-streaming';
import { deliveryOutcomeOf, type DeliveryOutcome } from '../domain/delivery';

/** What became of a turn's answer: never handed over, on its way, or the connector's outcome. */
export type AnswerState = 'not-sent' | 'sending' | DeliveryOutcome;

/** What a send that did not (or may not) happen answers, so that the sender goes on. */
const placeholders = (activities: Partial<Activity>[]): ResourceResponse[] => activities.map(() => ({ id: '' }));

/**
 * Watches the messages a turn sends through the Bot Connector (normal delivery), so that the turn is billed by
 * what the user may have received (src/domain/delivery.ts), and silences the turn once it is abandoned: after its
 * deadline nothing more goes out, not even a typing indicator.
 *
 * A streamed answer (README "Streaming") is billed like one message, by its final message, which carries the whole
 * answer: the previews before it are best effort. A preview the connector refuses or loses is neither retried nor
 * followed by more previews (no point feeding a failing connector one every 1.5 s), and never fails the turn
 * (teams-ai's StreamingResponse would leave that rejection unhandled); the final message still goes, as a plain
 * message when the stream never got its id.
 */
export class AnswerDelivery {
  private current: AnswerState = 'not-sent';
  private watching = true;
  private brokenStream: DeliveryOutcome | undefined;

  constructor(context: TurnContext, deadline: AbortSignal) {
    context.onSendActivities(async (_context, activities, next): Promise<ResourceResponse[]> => {
      if (deadline.aborted) return placeholders(activities);
      if (!this.watching) return next();
      if (activities.some((a) => streamPartOf(a) === 'preview')) return this.sendPreview(activities, next);
      if (!activities.some((a) => a.type === ActivityTypes.Message)) return next();
      if (this.brokenStream) activities.forEach(withoutStreamInfo);
      // Once a message of the turn was delivered, the user has the answer: a later send failing does not undo that.
      const before = this.current;
      if (before !== 'delivered') this.current = 'sending';
      try {
        const sent = await next();
        this.current = 'delivered';
        return sent;
      } catch (thrown) {
        if (before !== 'delivered') this.current = deliveryOutcomeOf(thrown);
        throw thrown;
      }
    });
  }

  /** What became of the first stream preview that failed, if one did. */
  get previewFailure(): DeliveryOutcome | undefined {
    return this.brokenStream;
  }

  private async sendPreview(activities: Partial<Activity>[], next: () => Promise<ResourceResponse[]>): Promise<ResourceResponse[]> {
    if (this.brokenStream) return placeholders(activities);
    try {
      return await next();
    } catch (thrown) {
      this.brokenStream = deliveryOutcomeOf(thrown);
      return placeholders(activities);
    }
  }

  /** A send still waiting for the connector when the turn ends has an uncertain outcome. */
  get answer(): Exclude<AnswerState, 'sending'> {
    return this.current === 'sending' ? 'uncertain' : this.current;
  }

  /** True once something was handed to the connector: an apology would then contradict what the user may see. */
  get handedOver(): boolean {
    return this.current !== 'not-sent';
  }

  /** The turn's own sends are over: what follows (an apology) is not its answer. */
  stopWatching(): void {
    this.watching = false;
  }
}

/**
 * A final stream message whose stream never got an id (its first preview failed) goes as a plain message: a
 * `final` with no stream to close is not what Teams expects. The AI label and feedback flags stay.
 */
function withoutStreamInfo(activity: Partial<Activity>): void {
  const channelData = activity.channelData as { streamType?: unknown; streamId?: unknown } | undefined;
  if (streamPartOf(activity) !== 'final' || channelData?.streamId) return;
  const plain: Record<string, unknown> = { ...channelData };
  delete plain.streamType;
  activity.channelData = plain;
  activity.entities = (activity.entities ?? []).filter((e) => e.type !== 'streaminfo');
}
