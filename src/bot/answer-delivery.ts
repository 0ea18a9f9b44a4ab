import { ActivityTypes, type ResourceResponse, type TurnContext } from 'botbuilder';
import { deliveryOutcomeOf, type DeliveryOutcome } from '../domain/delivery';

/** What became of a turn's answer: never handed over, on its way, or the connector's outcome. */
export type AnswerState = 'not-sent' | 'sending' | DeliveryOutcome;

/**
 * Watches the messages a turn sends through the Bot Connector (normal delivery), so that the turn is billed by
 * what the user may have received (src/domain/delivery.ts), and silences the turn once it is abandoned: after its
 * deadline nothing more goes out, not even a typing indicator.
 */
export class AnswerDelivery {
  private current: AnswerState = 'not-sent';
  private watching = true;

  constructor(context: TurnContext, deadline: AbortSignal) {
    context.onSendActivities(async (_context, activities, next): Promise<ResourceResponse[]> => {
      if (deadline.aborted) return activities.map(() => ({ id: '' }));
      if (!this.watching || !activities.some((a) => a.type === ActivityTypes.Message)) return next();
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
