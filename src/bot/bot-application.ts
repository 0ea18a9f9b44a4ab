import { ActivityTypes, TeamsInfo, type TurnContext } from 'botbuilder';
import { ActionPlanner, Application, PromptManager, TeamsAdapter, type PromptCompletionModel } from '@microsoft/teams-ai';
import type { Logger } from '../logger';
import type { KnownUser } from '../store/store';
import { audienceOf, identityOf, localeOfActivity } from './activity-facts';
import { AI_ANSWER_OPTIONS } from './feedback/ai-answer';
import { isFeedbackInvoke, isOtherSubmitAction } from './feedback/feedback-invoke';
import type { FeedbackRecorder } from './feedback/feedback-recorder';
import { registerModerationReplies } from './moderation/moderation-replies';
import type { TurnModerator } from './moderation/turn-moderator';
import { parseCommand } from './commands/command-syntax';
import type { ConversationCommands } from './commands/conversation-commands';
import type { OperatorCommands } from './commands/operator-commands';
import type { StatementCommand } from './commands/statement-command';
import { parseSupportSubmit, type SupportCommands } from './commands/support-commands';
import type { TenantCommands } from './commands/tenant-commands';
import { storedConversation } from './proactive/conversation-capture';
import type { ProactiveCommands } from './proactive/proactive-commands';
import { sendReply } from './send-reply';

export interface BotApplicationDeps {
  adapter: TeamsAdapter;
  model: PromptCompletionModel;
  promptsDir: string;
  commands: TenantCommands;
  operatorCommands: OperatorCommands;
  conversationCommands: ConversationCommands;
  /** `notifications` and `alerts` (issue 13); without it they answer as unknown commands. */
  proactiveCommands?: ProactiveCommands;
  /** Support tickets (`support`, `tickets`, `ticket`, `desk`) and their card forms. */
  support: SupportCommands;
  /** The operators' `statement`. */
  statement: StatementCommand;
  logger: Logger;
  /** 👍/👎 on AI answers (Teams' feedback loop). */
  feedback: FeedbackRecorder;
  /** Input and output moderation; none when it is off. */
  moderator?: TurnModerator;
}

/**
 * The teams-ai Application: commands first (whole-message syntax, src/bot/commands/command-syntax.ts), a polite
 * answer to messages without text, a welcome on install, and everything else to the AI planner. Replies are in the
 * language of the activity's `locale` (src/bot/activity-facts.ts).
 *
 * No teams-ai storage: its turn state lives for one turn. The conversation history the prompt needs is in the store
 * (src/bot/history/), shared by every instance and kept across restarts, read by the model when it renders.
 */
export function createBotApplication(deps: BotApplicationDeps): Application {
  const prompts = new PromptManager({ promptsFolder: deps.promptsDir });
  const planner = new ActionPlanner({ model: deps.model, prompts, defaultPrompt: 'chat' });
  const app = new Application({
    adapter: deps.adapter,
    // Every AI answer carries the AI label and the 👍/👎 buttons (src/bot/feedback/ai-answer.ts).
    ai: { planner, ...AI_ANSWER_OPTIONS, ...(deps.moderator ? { moderator: deps.moderator } : {}) },
    removeRecipientMention: true,
  });

  if (deps.moderator) registerModerationReplies(app);
  registerFeedback(app, deps.feedback, deps.logger);

  // One route for every command: a turn that goes to the AI pays one anchored regex test, not one per command.
  // teams-ai has already taken the bot's @mention out of the text.
  const isCommand = (context: TurnContext) =>
    Promise.resolve(isMessage(context) && parseCommand(context.activity.text ?? '') !== undefined);
  app.message(isCommand, async (context) => {
    const text = context.activity.text;
    const command = parseCommand(text)!;
    const identity = identityOf(context.activity);
    const audience = audienceOf(context.activity);
    if (command.kind === 'operator')
      return sendReply(context, await deps.operatorCommands.run(command.name, identity, text, audience.tr));
    if (command.kind === 'conversation') {
      return sendReply(context, await deps.conversationCommands.run(command.name, identity, audience.tr.locale));
    }
    if (command.kind === 'proactive' && deps.proactiveCommands) {
      const activity = context.activity;
      return sendReply(
        context,
        await deps.proactiveCommands.run(command.name, {
          identity,
          action: command.action,
          rest: command.rest,
          locale: audience.tr.locale,
          client: audience.client,
          conversation: (key) => storedConversation(key, activity, new Date()),
        }),
      );
    }
    if (command.kind === 'support')
      return sendReply(
        context,
        command.name === 'statement'
          ? await deps.statement.run(identity, text, audience.tr.locale)
          : await deps.support.run(command.name, identity, text, audience.tr.locale),
      );
    const name = command.kind === 'tenant' ? command.name : 'unknown';
    const mentions =
      command.kind === 'tenant' && /^(assign|revoke|add|remove)$/.test(command.action ?? '')
        ? await mentionedUsers(context, deps.logger)
        : [];
    await sendReply(context, await deps.commands.run(name, identity, text, mentions, audience));
  });
  // The forms of support cards (Action.Submit posts their inputs as a message without text): never gated, as commands.
  app.message(
    (context) => Promise.resolve(isMessage(context) && parseSupportSubmit(context.activity.value) !== undefined),
    async (context) => {
      const submit = parseSupportSubmit(context.activity.value)!;
      const reply = await deps.support.submit(submit, identityOf(context.activity), localeOfActivity(context.activity));
      await sendReply(context, reply);
    },
  );
  app.message(
    (context) => Promise.resolve(isMessage(context) && !context.activity.text?.trim()),
    async (context) => {
      await context.sendActivity(audienceOf(context.activity).tr.t('turn.textOnly'));
    },
  );
  app.conversationUpdate('membersAdded', async (context) => {
    const botAdded = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient?.id);
    if (!botAdded) return;
    await sendReply(context, await deps.commands.welcome(identityOf(context.activity), audienceOf(context.activity)));
  });
  return app;
}

/**
 * Teams' feedback loop: the `message/submitAction` invoke with `actionName: "feedback"` (teams-ai's feedbackLoop
 * route answers it 200). Any other submit action, or one whose value is not an object (which teams-ai's own
 * selector would trip over), is answered 200 and ignored: a Teams client never sees an error for its feedback,
 * and a store failure is logged, not turned into a 5xx.
 */
function registerFeedback(app: Application, feedback: FeedbackRecorder, logger: Logger): void {
  app.addRoute(
    (context) => Promise.resolve(isOtherSubmitAction(context.activity)),
    async (context) => {
      logger.info({ activityId: context.activity.id }, 'submit action ignored: not feedback');
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200 } });
    },
    true,
  );
  app.feedbackLoop(async (context, _state, data) => {
    if (!isFeedbackInvoke(context.activity)) return;
    const identity = identityOf(context.activity);
    try {
      await feedback.record({ identity, replyId: context.activity.replyToId, actionValue: data.actionValue });
    } catch (thrown) {
      logger.error(
        { tenantId: identity.tenantId, replyId: context.activity.replyToId, err: thrown },
        'feedback could not be stored',
      );
    }
  });
}

/** A message activity (the SDK types `type` as a plain string, ActivityTypes is its enum). */
const isMessage = (context: TurnContext) => context.activity.type === (ActivityTypes.Message as string);

/**
 * Users @mentioned in a command (other than the bot), with their Entra object ids looked up through Teams.
 * A failed lookup is skipped: the admin is then asked for a name or an id.
 */
async function mentionedUsers(context: TurnContext, logger: Logger): Promise<KnownUser[]> {
  const mentions = (context.activity.entities ?? []).flatMap((e) => {
    const id: unknown = e.type === 'mention' ? (e.mentioned as { id?: unknown } | undefined)?.id : undefined;
    return typeof id === 'string' && id && id !== context.activity.recipient?.id ? [id] : [];
  });
  const users: KnownUser[] = [];
  for (const mentionedId of mentions) {
    try {
      const member = await TeamsInfo.getMember(context, mentionedId);
      if (member.aadObjectId) users.push({ userId: member.aadObjectId, ...(member.name ? { userName: member.name } : {}) });
    } catch (thrown) {
      logger.warn({ err: thrown }, 'could not look up a mentioned user');
    }
  }
  return users;
}
