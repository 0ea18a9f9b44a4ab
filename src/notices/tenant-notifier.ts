import type { Clock } from '../domain/clock';
import {
  crossedThresholds,
  endingInDays,
  noticeKeys,
  trialEndingInDays,
  type NoticeKind,
} from '../domain/tenant-notices';
import { DAY } from '../domain/clock';
import type { Subscription } from '../domain/subscription';
import type { RecordedUsage } from '../domain/usage';
import type { Logger } from '../logger';
import type { MessageFor, ProactiveMessenger } from '../bot/proactive/proactive-messenger';
import type { Store } from '../store/store';
import type { LifecycleListener } from '../alerts/alerting-telemetry';
import {
  endingNotice,
  quotaNotice,
  seatChangeNotice,
  seatsFullNotice,
  suspendedNotice,
  type NoticeLinks,
} from './notice-messages';

export type NoticeOutcome = 'sent' | 'off' | 'already' | 'no-recipient';

/**
 * Proactive notices to a tenant's admins (allowance at 80 % and 100 %, seats full, subscription suspended or ending,
 * trial ending) and to users (seat given or taken back). Each admin notice is claimed once in the store (unique per
 * tenant and key, src/domain/tenant-notices.ts) before it is sent, so concurrent turns and instances crossing one
 * line send one notice; a kind the tenant turned off is neither claimed nor sent. Sending never fails the caller:
 * problems are logged.
 */
/** Notice keys this process claimed or found claimed, so repeats (a user refused again and again) skip the store. */
const KNOWN_KEYS_LIMIT = 10_000;

export class TenantNotifier implements LifecycleListener {
  private sweeper: NodeJS.Timeout | undefined;
  private readonly knownKeys = new Set<string>();

  constructor(
    private readonly deps: {
      store: Store;
      messenger: ProactiveMessenger;
      clock: Clock;
      logger: Logger;
      productName: string;
      links: NoticeLinks;
    },
  ) {}

  /** After a turn is recorded: the allowance thresholds it crossed. */
  async usageRecorded(u: RecordedUsage): Promise<NoticeOutcome[]> {
    const outcomes: NoticeOutcome[] = [];
    for (const percent of crossedThresholds(u.usedBefore, u.quantity, u.included)) {
      const message = quotaNotice(
        {
          percent,
          dimension: u.dimension,
          used: u.usedBefore + u.quantity,
          included: u.included ?? 0,
          periodEnd: u.periodEnd,
          overage: u.overage,
        },
        this.deps.links,
      );
      outcomes.push(
        await this.notifyAdmins(u.tenantId, u.subscriptionId, 'quota', noticeKeys.quota(u.subscriptionId, u.periodStart, u.dimension, percent), message),
      );
    }
    return outcomes;
  }

  /** A user was refused because every seat is taken (not when their seat was revoked: that was an admin's choice). */
  async seatsFull(input: { tenantId: string; subscriptionId: string; seats: number; userName?: string }): Promise<NoticeOutcome> {
    const key = noticeKeys.seatsFull(input.subscriptionId, this.deps.clock.now());
    const message = seatsFullNotice({
      seats: input.seats,
      productName: this.deps.productName,
      ...(input.userName ? { userName: input.userName } : {}),
    });
    return this.notifyAdmins(input.tenantId, input.subscriptionId, 'seats', key, message);
  }

  suspended(input: { tenantId: string; subscriptionId: string; since: string }): void {
    void this.notifyAdmins(
      input.tenantId,
      input.subscriptionId,
      'subscription',
      noticeKeys.suspended(input.subscriptionId, input.since),
      suspendedNotice({ productName: this.deps.productName }, this.deps.links),
    );
  }

  /** Subscriptions that end soon without renewal, and trials that end soon: once per term end. */
  async sweep(): Promise<number> {
    const now = this.deps.clock.now();
    let sent = 0;
    for (const s of await this.deps.store.subscriptions.listForEndingNotices()) {
      const tenantId = s.beneficiary.tenantId;
      if (!tenantId) continue;
      const trialDays = trialEndingInDays(s, now);
      if (trialDays !== undefined) {
        // Before activation a trial has no end date yet: its whole month is ahead (src/domain/trial.ts).
        const endDate = s.term?.endDate ?? new Date(now.getTime() + (trialDays - 1) * DAY);
        const message = endingNotice({ productName: this.deps.productName, days: trialDays, endDate, trial: true }, this.deps.links);
        const key = noticeKeys.trialEnding(s.id, endDate.toISOString().slice(0, 10));
        if ((await this.notifyAdmins(tenantId, s.id, 'trial', key, message, s)) === 'sent') sent += 1;
        continue;
      }
      const days = endingInDays(s, now);
      if (days !== undefined && s.term?.endDate) {
        const message = endingNotice({ productName: this.deps.productName, days, endDate: s.term.endDate, trial: false }, this.deps.links);
        if ((await this.notifyAdmins(tenantId, s.id, 'subscription', noticeKeys.ending(s.id, s.term.endDate), message, s)) === 'sent')
          sent += 1;
      }
    }
    return sent;
  }

  /** Runs the sweep now and then every `intervalMs`. */
  startSweeping(intervalMs: number): void {
    const run = () =>
      void this.sweep().catch((thrown) => this.deps.logger.error({ err: thrown }, 'notice sweep failed'));
    run();
    this.sweeper = setInterval(run, intervalMs);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** An admin gave a user a seat or took it back: the user is told in their own chat. */
  async seatChanged(input: { tenantId: string; userId: string; change: 'given' | 'lost' }): Promise<NoticeOutcome> {
    try {
      if ((await this.deps.store.notices.disabledKinds(input.tenantId)).includes('seat-changes')) return 'off';
      const outcome = await this.deps.messenger.toUser(
        input.tenantId,
        input.userId,
        seatChangeNotice({ change: input.change, productName: this.deps.productName }),
      );
      return outcome === 'sent' ? 'sent' : 'no-recipient';
    } catch (thrown) {
      this.deps.logger.warn({ tenantId: input.tenantId, err: thrown }, 'could not tell a user about their seat');
      return 'no-recipient';
    }
  }

  private async notifyAdmins(
    tenantId: string,
    subscriptionId: string,
    kind: NoticeKind,
    key: string,
    message: MessageFor,
    known?: Subscription,
  ): Promise<NoticeOutcome> {
    const log = this.deps.logger.child({ tenantId, subscriptionId, notice: kind });
    try {
      const memo = `${tenantId}|${key}`;
      if (this.knownKeys.has(memo)) return 'already';
      if ((await this.deps.store.notices.disabledKinds(tenantId)).includes(kind)) return 'off';
      const claimed = await this.deps.store.notices.claim({ tenantId, key, kind, at: this.deps.clock.now() });
      if (this.knownKeys.size >= KNOWN_KEYS_LIMIT) this.knownKeys.clear();
      this.knownKeys.add(memo);
      if (!claimed) return 'already';
      const recipients = await this.adminsOf(tenantId, known ?? (await this.deps.store.subscriptions.get(subscriptionId)));
      let sent = 0;
      for (const userId of recipients) {
        try {
          if ((await this.deps.messenger.toUser(tenantId, userId, message)) === 'sent') sent += 1;
        } catch (thrown) {
          log.warn({ err: thrown }, 'could not send a notice to an admin');
        }
      }
      log.info({ key, admins: recipients.length, sent }, sent ? 'tenant notice sent' : 'tenant notice: no admin reachable');
      return sent ? 'sent' : 'no-recipient';
    } catch (thrown) {
      log.error({ err: thrown }, 'tenant notice failed');
      return 'no-recipient';
    }
  }

  /** Admins added in Teams, and the purchaser and beneficiary when they belong to the tenant (as TenantCommands.isAdmin). */
  private async adminsOf(tenantId: string, subscription: Subscription | undefined): Promise<string[]> {
    const ids = new Set((await this.deps.store.admins.list(tenantId)).map((a) => a.userId));
    for (const p of subscription ? [subscription.purchaser, subscription.beneficiary] : [])
      if (p.objectId && (!p.tenantId || p.tenantId === tenantId)) ids.add(p.objectId);
    return [...ids];
  }
}
