import type { TurnIdentity } from '../../domain/identity';
import type { Locale } from '../../i18n/locale';
import { translator } from '../../i18n/translator';
import type { ConversationMemory } from '../history/conversation-memory';
import type { ConversationCommandName } from './command-syntax';
import type { Reply } from './tenant-commands';

/**
 * Commands about the conversation itself (`new chat`): for everyone, in every state, never gated nor billed, like
 * `help`. In a group chat or a channel thread the history is the conversation's, so anyone in it may reset it.
 */
export class ConversationCommands {
  constructor(private readonly deps: { history: ConversationMemory | undefined }) {}

  async run(name: ConversationCommandName, identity: TurnIdentity, locale: Locale): Promise<Reply> {
    const t = translator(locale);
    switch (name) {
      case 'new-chat': {
        if (!this.deps.history) return { text: t.t('conversation.historyOff') };
        const { tenantId, conversationId } = identity;
        const forgotten = tenantId && conversationId ? await this.deps.history.reset({ tenantId, conversationId }) : false;
        return { text: t.t(forgotten ? 'conversation.resetDone' : 'conversation.resetNothing') };
      }
    }
  }
}
