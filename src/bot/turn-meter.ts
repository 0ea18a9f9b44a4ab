/**
 * What the model did during one turn, carried in the turn context from the model to the usage recorder.
 * teams-ai's own OpenAIModel drops `completion.usage`; our models write it here instead.
 */
export class TurnMeter {
  /**
   * Prompt + completion tokens all completions of the turn may use together: the token ceiling the turn's quota
   * holds were sized for (src/domain/turn-envelope.ts). Infinity when nothing bounds the turn.
   */
  constructor(readonly tokenCeiling = Infinity) {}

  promptTokens = 0;
  completionTokens = 0;
  completions = 0;
  /** The last model error of the turn, if any: the turn is then not billed. */
  failure: Error | undefined;
  readonly replies: string[] = [];

  addCompletion(usage: { promptTokens: number; completionTokens: number }, reply: string): void {
    this.completions += 1;
    this.promptTokens += usage.promptTokens;
    this.completionTokens += usage.completionTokens;
    this.replies.push(reply);
  }

  fail(error: Error): void {
    this.failure = error;
  }

  get totalTokens(): number {
    return this.promptTokens + this.completionTokens;
  }

  /** What the next completion may still use of the ceiling. */
  get tokensLeft(): number {
    return Math.max(0, this.tokenCeiling - this.totalTokens);
  }

  /** Billable when the model answered at least once and never failed. */
  get answered(): boolean {
    return this.completions > 0 && !this.failure;
  }
}

export const TURN_METER_KEY = Symbol('turnMeter');

/** Structural view of botbuilder's TurnContext.turnState, so this module needs no SDK import. */
interface HasTurnState {
  turnState: Map<unknown, unknown>;
}

export function turnMeterOf(context: HasTurnState): TurnMeter | undefined {
  const meter = context.turnState.get(TURN_METER_KEY);
  return meter instanceof TurnMeter ? meter : undefined;
}

export function attachTurnMeter(context: HasTurnState, tokenCeiling?: number): TurnMeter {
  const meter = new TurnMeter(tokenCeiling);
  context.turnState.set(TURN_METER_KEY, meter);
  return meter;
}
