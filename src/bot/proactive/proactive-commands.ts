import type { ClientKind } from '../../domain/client-kind';
import type { Clock } from '../../domain/clock';
import type { TurnIdentity } from '../../domain/identity';
import { isNoticeKind, NOTICE_KINDS } from '../../domain/tenant-notices';
import { translator } from '../../i18n/translator';
import type { Locale } from '../../i18n/locale';
import { conversationKeys, type StoredConversation } from '../../store/outreach-repos';
import type { Store } from '../../store/store';
import { alertListCard } from '../../alerts/alert-card';
import { OPERATORS_CONVERSATION } from '../../alerts/operator-alerts';
import { adaptiveCard, facts, note, paragraph, title } from '../cards/adaptive-card';
import type { ProactiveCommandName } from '../commands/command-syntax';
import type { Reply } from '../commands/tenant-commands';

/** What the bot edge knows of the turn a command came in. */
export interface CommandTurn {
  identity: TurnIdentity;
  action: string | undefined;
  rest: string;
  locale: Locale;
  client: ClientKind;
  /** This chat's reference, for `alerts here` (built by the edge from the activity). */
  conversation: (key: string) => StoredConversation | undefined;
}

const ALERTS_SHOWN = 10;

/**
 * `notifications` (tenant admins: which notices their organization gets; `notifications off quota`) and `alerts`
 * (operators only: the latest alerts; `alerts here` makes this chat the operators' chat; `alerts off` forgets it).
 * Neither consumes quota. SDK-free: the edge hands in the identity, language, client and this chat's reference.
 */
export class ProactiveCommands {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      operatorIds: readonly string[];
      isAdmin: (tenantId: string, userId: string) => Promise<boolean>;
      webhookConfigured: boolean;
    },
  ) {}

  async run(name: ProactiveCommandName, turn: CommandTurn): Promise<Reply> {
    return name === 'alerts' ? this.alerts(turn) : this.notifications(turn);
  }

  private async notifications(turn: CommandTurn): Promise<Reply> {
    const t = translator(turn.locale);
    const { tenantId, userId } = turn.identity;
    if (!tenantId || !userId) return { text: t.t('notices.command.noTenant') };
    if (!(await this.deps.isAdmin(tenantId, userId))) return { text: t.t('notices.command.adminsOnly') };
    if (turn.action === 'on' || turn.action === 'off') {
      const kind = turn.rest.toLowerCase();
      if (!isNoticeKind(kind)) return { text: t.t('notices.command.unknownKind') };
      const enabled = turn.action === 'on';
      await this.deps.store.notices.setEnabled({ tenantId, kind, enabled, by: userId, at: this.deps.clock.now() });
      return { text: t.t('notices.command.changed', { state: turn.action, label: t.t(`notices.kind.${kind}`) }) };
    }
    const off = new Set(await this.deps.store.notices.disabledKinds(tenantId));
    return {
      card: adaptiveCard([
        title(t.t('notices.command.title')),
        paragraph(t.t('notices.command.intro')),
        facts(
          NOTICE_KINDS.map(
            (kind) => [`${kind}`, `${t.t(off.has(kind) ? 'notices.command.off' : 'notices.command.on')}: ${t.t(`notices.kind.${kind}`)}`] as const,
          ),
        ),
        note(t.t('notices.command.hint')),
      ]),
    };
  }

  private async alerts(turn: CommandTurn): Promise<Reply> {
    const t = translator(turn.locale);
    const userId = turn.identity.userId;
    // Operators see every tenant: the same refusal as the other operator commands.
    if (!userId || !this.deps.operatorIds.includes(userId))
      return { text: t.t('alerts.operatorsOnly') };
    const key = conversationKeys.named(OPERATORS_CONVERSATION);
    if (turn.action === 'here') {
      const conversation = turn.conversation(key);
      if (!conversation) return { text: t.t('alerts.here.badArgs') };
      await this.deps.store.conversations.save({ ...conversation, updatedAt: this.deps.clock.now() });
      return { text: t.t('alerts.here.captured') };
    }
    if (turn.action === 'off') {
      await this.deps.store.conversations.remove(key);
      return { text: t.t('alerts.here.off') };
    }
    const [recent, captured] = await Promise.all([
      this.deps.store.alertEvents.recent(ALERTS_SHOWN),
      this.deps.store.conversations.get(key),
    ]);
    return {
      ...(captured ? {} : { text: t.t('alerts.here.notCaptured') }),
      card: alertListCard(recent, turn.locale, this.deps.webhookConfigured),
    };
  }
}
