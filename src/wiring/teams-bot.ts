import type { Application, PromptCompletionModel } from '@microsoft/teams-ai';
import { azureIdentityOf, type Config } from '../config';
import type { Clock } from '../domain/clock';
import { contentReportAlert } from '../domain/alert-triggers';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { OperatorAlerts } from '../alerts/operator-alerts';
import { createBotApplication } from '../bot/bot-application';
import { FeedbackRecorder, type ContentReportListener } from '../bot/feedback/feedback-recorder';
import type { RecentAnswers } from '../bot/feedback/recent-answers';
import { createModel } from '../bot/models/create-model';
import { createTurnModerator } from '../bot/moderation/create-moderator';
import type { BotAdapter } from '../bot/teams-adapter';
import type { BotCommandSet } from './bot-commands';

/** The teams-ai application: its model, the commands, 👍/👎 feedback (content reports become operator alerts), moderation. */
export async function createTeamsBot(
  config: Readonly<Config>,
  deps: {
    adapter: BotAdapter;
    store: Store;
    clock: Clock;
    logger: Logger;
    alerts: OperatorAlerts;
    commands: BotCommandSet;
    recentAnswers: RecentAnswers | undefined;
    /** Replaces the configured model (tests). */
    model: PromptCompletionModel | undefined;
    /** Called after the operator alert for each new content report (AppOptions.onContentReport). */
    onContentReport: ContentReportListener | undefined;
  },
): Promise<Application> {
  const { adapter, store, clock, logger, alerts, recentAnswers } = deps;
  const feedback = new FeedbackRecorder({
    store,
    clock,
    logger: logger.child({ component: 'feedback' }),
    storeMessageText: config.storeMessageText,
    ...(recentAnswers ? { recentAnswers } : {}),
    // Each new content report is an operator alert (never with the user's comment or the answer's text).
    onContentReport: (report) => {
      alerts.raiseLater(
        contentReportAlert({
          reportId: report.reportId,
          tenantId: report.tenantId,
          ...(report.subscriptionId ? { subscriptionId: report.subscriptionId } : {}),
        }),
      );
      return deps.onContentReport?.(report);
    },
  });
  const moderator = createTurnModerator(config.moderation, logger.child({ component: 'moderation' }));
  return createBotApplication({
    adapter,
    model:
      deps.model ??
      (await createModel(config.model, logger, azureIdentityOf(config), {
        // Output moderation reviews the finished answer: a streamed one would be on screen before it.
        streaming: config.conversation.streaming && !moderator?.checksOutput,
      })),
    promptsDir: config.promptsDir,
    ...deps.commands,
    logger,
    feedback,
    ...(moderator ? { moderator } : {}),
  });
}
