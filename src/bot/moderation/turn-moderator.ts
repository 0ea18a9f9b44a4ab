import type { TurnContext } from 'botbuilder';
import { AI, type Moderator, type Plan, type PredictedSayCommand, type TurnState } from '@microsoft/teams-ai';
import { AppError } from '../../domain/errors';
import { moderates, reviewText, type ModerationFailurePolicy, type ModerationScope, type TextModerator } from '../../domain/moderation';
import type { Logger } from '../../logger';
import { identityOf } from '../activity-facts';
import { turnDeadlineOf } from '../turn-deadline';
import { turnMeterOf } from '../turn-meter';

/** What the flagged-input and flagged-output actions receive: why the text was stopped. */
export interface ModerationStop {
  reason: 'flagged' | 'unavailable';
}

/**
 * teams-ai's moderator hook over our moderation port: the user's message is checked before the planner (a flagged one
 * never reaches the model, so nothing is billed: the turn's claim goes back), the model's answer before it is sent
 * (a flagged one is replaced by a safe message; the model was called, but the turn is not billed: the user got no
 * answer, like a failed model call). When the moderator cannot answer, the failure policy decides: `refuse` stops
 * the turn the same way, `allow` lets it go on with a warning. Logs carry ids and categories, never the text.
 *
 * A streamed answer reaches the user before the output check could run: output moderation needs one-message
 * delivery (see README).
 */
export class TurnModerator implements Moderator<TurnState> {
  constructor(
    private readonly deps: {
      moderator: TextModerator;
      scope: ModerationScope;
      onError: ModerationFailurePolicy;
      logger: Logger;
    },
  ) {}

  get checksOutput(): boolean {
    return moderates(this.deps.scope, 'output');
  }

  async reviewInput(context: TurnContext, state: TurnState): Promise<Plan | undefined> {
    if (!moderates(this.deps.scope, 'input')) return undefined;
    const text = state.temp.input || context.activity.text || '';
    const stop = await this.review(context, 'input', text);
    return stop ? doAction(AI.FlaggedInputActionName, stop) : undefined;
  }

  async reviewOutput(context: TurnContext, _state: TurnState, plan: Plan): Promise<Plan> {
    if (!this.checksOutput) return plan;
    const said = plan.commands
      .filter((c): c is PredictedSayCommand => c.type === 'SAY')
      .map((c) => c.response.content ?? '')
      .join('\n');
    const stop = await this.review(context, 'output', said);
    if (!stop) return plan;
    // The answer is withheld: the turn is not billed (src/bot/turn-middleware.ts bills answered turns only).
    turnMeterOf(context)?.fail(new AppError('AnswerWithheld', `answer withheld by moderation (${stop.reason})`));
    return doAction(AI.FlaggedOutputActionName, stop);
  }

  private async review(context: TurnContext, side: 'input' | 'output', text: string): Promise<ModerationStop | undefined> {
    const outcome = await reviewText(this.deps.moderator, text, this.deps.onError, turnDeadlineOf(context));
    if (outcome.kind === 'allowed') return undefined;
    const identity = identityOf(context.activity);
    const ids = { tenantId: identity.tenantId, activityId: identity.activityId, moderator: this.deps.moderator.name, side };
    switch (outcome.kind) {
      case 'flagged':
        this.deps.logger.info({ ...ids, categories: outcome.categories }, 'moderation flagged a message');
        return { reason: 'flagged' };
      case 'unchecked':
        this.deps.logger.warn({ ...ids, err: outcome.error.message }, 'moderation unavailable: the message went on unchecked');
        return undefined;
      case 'unavailable':
        this.deps.logger.warn({ ...ids, err: outcome.error.message }, 'moderation unavailable: the message was stopped');
        return { reason: 'unavailable' };
    }
  }
}

function doAction(action: string, stop: ModerationStop): Plan {
  return { type: 'plan', commands: [{ type: 'DO', action, parameters: stop } as Plan['commands'][number]] };
}
