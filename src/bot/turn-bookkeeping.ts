import type { Refusal } from '../domain/entitlement';
import type { TurnIdentity } from '../domain/identity';
import type { TurnInput } from '../domain/turn-envelope';
import type { Logger } from '../logger';
import type { SubscriptionGate, TurnTicket } from './subscription-gate';
import type { TurnResult, UsageRecorder } from './usage-recorder';

export type TurnStart =
  | { kind: 'admitted'; turn: OpenTurn }
  | { kind: 'refused'; refusal: Refusal }
  /** The activity is answered or being answered (by this instance or another): do nothing. */
  | { kind: 'duplicate' };

/** An admitted turn: it ends exactly once, answered (`complete`) or not (`abort`). */
export interface OpenTurn {
  readonly ticket: TurnTicket;
  /** Prompt + completion tokens the turn's completions may use in all: the model is held to it. */
  readonly tokenCeiling: number;
  /**
   * The turn was answered: bill it (the usage write may share a commit with others, see WriteBatcher). Never
   * rejects: a write that fails releases the claim instead (better unbilled than billed twice).
   */
  complete(result: TurnResult): Promise<void>;
  /** The turn was not answered (model error, exception): its claim and held units go back. Never rejects. */
  abort(): Promise<void>;
}

/**
 * The one owner of a turn's bookkeeping, free of SDK types: the gate's admission (entitlement, seat, the claim on
 * the activity with its quota holds) and, once the turn is over, either its usage record (which settles the claim)
 * or the claim's release. The adapter middleware only maps it to and from botbuilder.
 */
export class TurnBookkeeping {
  constructor(
    private readonly deps: {
      gate: SubscriptionGate;
      recorder: UsageRecorder;
      logger: Logger;
      /** Each refused turn (tenant admin notices: seats full); must not throw. */
      onRefused?: (identity: TurnIdentity, refusal: Refusal) => void;
    },
  ) {}

  async begin(identity: TurnIdentity, input: TurnInput): Promise<TurnStart> {
    const admission = await this.deps.gate.admit(identity, input);
    if (admission.admitted) return { kind: 'admitted', turn: this.open(admission.ticket) };
    if ('duplicate' in admission) return { kind: 'duplicate' };
    this.deps.onRefused?.(identity, admission.refusal);
    return { kind: 'refused', refusal: admission.refusal };
  }

  private open(ticket: TurnTicket): OpenTurn {
    const { gate, recorder, logger } = this.deps;
    const ids = {
      tenantId: ticket.identity.tenantId,
      subscriptionId: ticket.subscription.id,
      activityId: ticket.identity.activityId,
    };
    let ended = false;
    const once = (what: string): boolean => {
      if (ended) logger.error(ids, `turn ${what} after it had ended`);
      const first = !ended;
      ended = true;
      return first;
    };
    const release = async () => {
      try {
        await gate.release(ticket);
      } catch (thrown) {
        // The stale sweep frees the claim later (reservation timeout).
        logger.error({ ...ids, err: thrown }, 'turn claim could not be released');
      }
    };
    return {
      ticket,
      tokenCeiling: ticket.envelope.tokenCeiling,
      async complete(result) {
        if (!once('completed')) return;
        try {
          await recorder.record(ticket, result, { background: true });
        } catch (thrown) {
          // The answer went out but could not be recorded: better unbilled than billed twice. Free the units.
          logger.error({ ...ids, err: thrown }, 'usage could not be recorded');
          await release();
        }
      },
      async abort() {
        if (!once('aborted')) return;
        await release();
      },
    };
  }
}
