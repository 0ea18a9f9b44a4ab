import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { Telemetry } from '../telemetry/telemetry';
import { answerCapture } from '../bot/feedback/answer-capture';
import { RecentAnswers } from '../bot/feedback/recent-answers';
import { ConversationMemory } from '../bot/history/conversation-memory';
import { maxTurnTokens } from '../bot/models/completion-budget';
import { conversationCapture } from '../bot/proactive/conversation-capture';
import { SubscriptionGate } from '../bot/subscription-gate';
import type { BotAdapter } from '../bot/teams-adapter';
import { TurnBookkeeping } from '../bot/turn-bookkeeping';
import { subscriptionMiddleware } from '../bot/turn-middleware';
import { UsageRecorder } from '../bot/usage-recorder';
import { GraphUsageRights } from '../marketplace/graph-usage-rights';
import { InFlight } from '../in-flight';
import type { AppCore } from './app-core';
import type { Outreach } from './outreach';

/** The subscription gate every turn passes: who may use the bot, on which seat, with what quota left. */
export function createSubscriptionGate(config: Readonly<Config>, deps: AppCore): SubscriptionGate {
  const { store, catalog, clock, logger } = deps;
  // Quota holds are sized on the most tokens a turn of the chat prompt can use; the models are held to it.
  return new SubscriptionGate({
    store,
    catalog,
    clock,
    enforcement: config.enforcement,
    logger,
    maxTurnTokens: maxTurnTokens(config.promptsDir),
    licences: new GraphUsageRights({ config: config.licensing, clock, logger: logger.child({ component: 'licences' }) }),
  });
}

/**
 * The adapter's middleware, outermost first: the conversation reference kept, the subscription checked and the turn's
 * usage recorded, the answer's text kept for the feedback on it. Returns what the rest of the app shares with it.
 */
export function useTurnMiddleware(
  adapter: BotAdapter,
  deps: {
    config: Readonly<Config>;
    store: Store;
    clock: Clock;
    logger: Logger;
    telemetry: Telemetry;
    gate: SubscriptionGate;
    outreach: Outreach;
  },
): { inFlight: InFlight; history?: ConversationMemory; recentAnswers?: RecentAnswers } {
  const { config, store, clock, logger, telemetry, gate, outreach } = deps;
  const recorder = new UsageRecorder({
    store,
    storeMessageText: config.storeMessageText,
    logger,
    telemetry,
    onRecorded: (turn) => void outreach.notifier.usageRecorded(turn),
  });
  const bookkeeping = new TurnBookkeeping({
    gate,
    recorder,
    logger,
    onRefused: (identity, refusal) => outreach.onRefused(identity, refusal),
  });
  const inFlight = new InFlight();
  // Conversation history in the store, shared by every instance; none at all when the operator turned it off.
  const historyLimits = config.conversation.history;
  const history = historyLimits ? new ConversationMemory({ store, limits: historyLimits, clock, logger }) : undefined;
  // Outermost: the conversation reference is kept after every message turn, refused ones included.
  adapter.use(conversationCapture({ store, logger, now: () => clock.now() }));
  adapter.use(subscriptionMiddleware({ bookkeeping, config, logger, inFlight, ...(history ? { history } : {}) }));
  // The text of answers, for the feedback on them, only when the operator stores message text.
  const recentAnswers = config.storeMessageText ? new RecentAnswers() : undefined;
  if (recentAnswers) adapter.use(answerCapture(recentAnswers));
  return { inFlight, ...(history ? { history } : {}), ...(recentAnswers ? { recentAnswers } : {}) };
}
