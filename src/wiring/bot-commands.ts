import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { PlanCatalog } from '../domain/plans';
import type { Store } from '../store/store';
import type { BotApplicationDeps } from '../bot/bot-application';
import { ConversationCommands } from '../bot/commands/conversation-commands';
import { OperatorCommands } from '../bot/commands/operator-commands';
import { StatementCommand } from '../bot/commands/statement-command';
import { SupportCommands } from '../bot/commands/support-commands';
import { TenantCommands } from '../bot/commands/tenant-commands';
import type { ConversationMemory } from '../bot/history/conversation-memory';
import { modelProviderOf } from '../bot/models/model-provider';
import { ProactiveCommands } from '../bot/proactive/proactive-commands';
import type { SubscriptionGate } from '../bot/subscription-gate';
import type { TenantNotifier } from '../notices/tenant-notifier';
import type { SupportDesk } from '../support/support-desk';
import type { UsageStatements } from './usage-statements';

/** The bot's command set, as the bot application takes it. */
export type BotCommandSet = Pick<
  BotApplicationDeps,
  'commands' | 'conversationCommands' | 'operatorCommands' | 'proactiveCommands' | 'support' | 'statement'
>;

export interface BotCommands {
  set: BotCommandSet;
  /** Who administers a tenant, one rule for Teams and the landing page: purchasers and beneficiaries, and those added. */
  isTenantAdmin: (tenantId: string, userId: string) => Promise<boolean>;
}

/** Every command the bot answers: the tenants', the conversation's, the operators', notifications, support, statements. */
export function createBotCommands(
  config: Readonly<Config>,
  deps: {
    store: Store;
    catalog: PlanCatalog;
    clock: Clock;
    gate: SubscriptionGate;
    notifier: TenantNotifier;
    statements: UsageStatements;
    support: SupportDesk;
    history: ConversationMemory | undefined;
  },
): BotCommands {
  const { store, catalog, clock, gate, notifier, statements, support, history } = deps;
  const commands = new TenantCommands({
    store,
    catalog,
    clock,
    gate,
    productName: config.productName,
    links: config.links,
    modelProvider: modelProviderOf(config.model),
    operatorIds: config.operatorIds,
    onSeatChanged: (change) => void notifier.seatChanged(change),
    statementLinks: statements.links,
  });
  const isTenantAdmin = async (tenantId: string, userId: string) =>
    commands.isAdmin(tenantId, userId, await gate.tenantSubscriptions(tenantId));
  return {
    isTenantAdmin,
    set: {
      commands,
      conversationCommands: new ConversationCommands({ history }),
      operatorCommands: new OperatorCommands({
        store,
        catalog,
        clock,
        operatorIds: config.operatorIds,
        attentionAttempts: config.worker.maxAttempts,
        billedVsSentHourUtc: config.billedVsSent.hourUtc,
        feedbackRetention: config.feedback,
      }),
      proactiveCommands: new ProactiveCommands({
        store,
        clock,
        operatorIds: config.operatorIds,
        isAdmin: isTenantAdmin,
        webhookConfigured: !!config.alerts.webhook,
      }),
      support: new SupportCommands({
        desk: support,
        clock,
        operatorIds: config.operatorIds,
        isTenantAdmin,
        tenantSubscriptions: (tenantId) => gate.tenantSubscriptions(tenantId),
      }),
      statement: new StatementCommand({
        store,
        clock,
        links: statements.links,
        linkLifetimeMs: config.statements.linkLifetimeMs,
        operatorIds: config.operatorIds,
      }),
    },
  };
}
