import { ActivityTypes, TeamsInfo, type Storage, type TurnContext } from 'botbuilder';
import { ActionPlanner, Application, PromptManager, TeamsAdapter, type PromptCompletionModel } from '@microsoft/teams-ai';
import { coerceError } from '../domain/errors';
import type { Logger } from '../logger';
import type { KnownUser } from '../store/store';
import { clientKindOf, identityOf } from './activity-facts';
import { welcomeCard } from './cards/help-card';
import { parseCommand } from './commands/command-syntax';
import type { OperatorCommands } from './commands/operator-commands';
import type { StatementCommand } from './commands/statement-command';
import { parseSupportSubmit, type SupportCommands } from './commands/support-commands';
import { localeOf } from '../i18n/locale';
import type { TenantCommands } from './commands/tenant-commands';
import { sendReply } from './send-reply';

export interface BotApplicationDeps {
  adapter: TeamsAdapter;
  model: PromptCompletionModel;
  promptsDir: string;
  storage: Storage;
  commands: TenantCommands;
  operatorCommands: OperatorCommands;
  /** Support tickets (`support`, `tickets`, `ticket`, `desk`) and their card forms. */
  support: SupportCommands;
  /** The operators' `statement`. */
  statement: StatementCommand;
  productName: string;
  logger: Logger;
}

/**
 * The teams-ai Application: commands first (whole-message syntax, src/bot/commands/command-syntax.ts), a polite
 * answer to messages without text, a welcome on install, and everything else to the AI planner.
 */
export function createBotApplication(deps: BotApplicationDeps): Application {
  const prompts = new PromptManager({ promptsFolder: deps.promptsDir });
  const planner = new ActionPlanner({ model: deps.model, prompts, defaultPrompt: 'chat' });
  const app = new Application({
    adapter: deps.adapter,
    storage: deps.storage,
    ai: { planner },
    removeRecipientMention: true,
  });

  // One route for every command: a turn that goes to the AI pays one anchored regex test, not one per command.
  // teams-ai has already taken the bot's @mention out of the text.
  const isCommand = async (context: TurnContext) =>
    context.activity.type === ActivityTypes.Message && parseCommand(context.activity.text ?? '') !== undefined;
  app.message(isCommand, async (context) => {
    const text = context.activity.text;
    const command = parseCommand(text)!;
    const identity = identityOf(context.activity);
    if (command.kind === 'operator') return sendReply(context, await deps.operatorCommands.run(command.name, identity, text));
    const locale = localeOf(context.activity.locale);
    if (command.kind === 'support')
      return sendReply(
        context,
        command.name === 'statement'
          ? await deps.statement.run(identity, text, locale)
          : await deps.support.run(command.name, identity, text, locale),
      );
    const name = command.kind === 'tenant' ? command.name : 'unknown';
    const mentions =
      command.kind === 'tenant' && /^(assign|revoke|add|remove)$/.test(command.action ?? '')
        ? await mentionedUsers(context, deps.logger)
        : [];
    await sendReply(context, await deps.commands.run(name, identity, text, mentions, clientKindOf(context.activity), locale));
  });
  // The forms of support cards (Action.Submit posts their inputs as a message without text): never gated, as commands.
  app.message(
    async (context) => context.activity.type === ActivityTypes.Message && parseSupportSubmit(context.activity.value) !== undefined,
    async (context) => {
      const submit = parseSupportSubmit(context.activity.value)!;
      const reply = await deps.support.submit(submit, identityOf(context.activity), localeOf(context.activity.locale));
      await sendReply(context, reply);
    },
  );
  app.message(
    async (context) => context.activity.type === ActivityTypes.Message && !context.activity.text?.trim(),
    async (context) => {
      await context.sendActivity('I can only read text for now. Please type your question. (Nothing was counted.)');
    },
  );
  app.conversationUpdate('membersAdded', async (context) => {
    const botAdded = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient?.id);
    if (!botAdded) return;
    await sendReply(context, { card: welcomeCard(deps.productName) });
  });
  return app;
}

/**
 * Users @mentioned in a command (other than the bot), with their Entra object ids looked up through Teams.
 * A failed lookup is skipped: the admin is then asked for a name or an id.
 */
async function mentionedUsers(context: TurnContext, logger: Logger): Promise<KnownUser[]> {
  const mentions = (context.activity.entities ?? []).filter(
    (e) => e.type === 'mention' && e.mentioned?.id && e.mentioned.id !== context.activity.recipient?.id,
  );
  const users: KnownUser[] = [];
  for (const m of mentions) {
    try {
      const member = await TeamsInfo.getMember(context, m.mentioned.id);
      if (member.aadObjectId) users.push({ userId: member.aadObjectId, ...(member.name ? { userName: member.name } : {}) });
    } catch (thrown) {
      logger.warn({ err: coerceError(thrown).message }, 'could not look up a mentioned user');
    }
  }
  return users;
}
