/**
 * Usage kind and quantity of one answered turn (DESIGN.md "Billing rules"). Pure and configurable per plan.
 *
 * From the seed: attachments → premium; text longer than 1,000 characters → premium; more than 2,000 tokens →
 * premium; more than 5,000 tokens → quantity ceil(tokens / 2,000); otherwise `messages`, 1.
 */
/**
 * The product's own kinds of usage: what the billing rules classify a turn as and what allowances and counters are
 * kept in. They are not Partner Center dimension ids: each plan maps a kind to the dimension id its offer publishes
 * (`Plan.meteredAs`), and only the metering edge sends that id. Stored counters and usage keep the kind, so a
 * publisher can name (and rename, before publishing) its dimensions without touching stored usage.
 */
export const USAGE_KINDS = ['messages', 'premium_messages'] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

export function isUsageKind(value: unknown): value is UsageKind {
  return typeof value === 'string' && (USAGE_KINDS as readonly string[]).includes(value);
}

export interface BillingRules {
  /** A turn that carries a file or image is premium. */
  attachmentsArePremium: boolean;
  /** A text longer than this many characters is premium. */
  premiumTextLength: number;
  /** A turn that used more than this many tokens (prompt + completion) is premium. */
  premiumTokens: number;
  /** Above this many tokens a turn counts several units... */
  multiUnitTokens: number;
  /** ...one per started block of this many tokens. */
  tokensPerUnit: number;
}

export const DEFAULT_BILLING_RULES: Readonly<BillingRules> = Object.freeze({
  attachmentsArePremium: true,
  premiumTextLength: 1000,
  premiumTokens: 2000,
  multiUnitTokens: 5000,
  tokensPerUnit: 2000,
});

export interface TurnFacts {
  textLength: number;
  /** Files and images the user sent (not Teams' own `text/html` copy of the message). */
  attachmentCount: number;
  /** Prompt + completion tokens of every completion of the turn; 0 before the AI call. */
  totalTokens: number;
}

export interface BilledQuantity {
  dimension: UsageKind;
  quantity: number;
}

export function classifyTurn(facts: TurnFacts, rules: BillingRules = DEFAULT_BILLING_RULES): BilledQuantity {
  const premium =
    (rules.attachmentsArePremium && facts.attachmentCount > 0) ||
    facts.textLength > rules.premiumTextLength ||
    facts.totalTokens > rules.premiumTokens;
  const quantity = facts.totalTokens > rules.multiUnitTokens ? Math.ceil(facts.totalTokens / rules.tokensPerUnit) : 1;
  return { dimension: premium ? 'premium_messages' : 'messages', quantity };
}

/** What can be known before the AI call: used to reserve quota on the right dimension. */
export function estimateTurn(facts: Omit<TurnFacts, 'totalTokens'>, rules: BillingRules = DEFAULT_BILLING_RULES) {
  return classifyTurn({ ...facts, totalTokens: 0 }, rules);
}
