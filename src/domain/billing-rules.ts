/**
 * Dimension and quantity of one answered turn (DESIGN.md "Billing rules"). Pure and configurable per plan.
 *
 * From the seed: attachments → premium; text longer than 1,000 characters → premium; more than 2,000 tokens →
 * premium; more than 5,000 tokens → quantity ceil(tokens / 2,000); otherwise `messages`, 1.
 */
export const DIMENSIONS = ['messages', 'premium_messages'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export function isDimension(value: unknown): value is Dimension {
  return typeof value === 'string' && (DIMENSIONS as readonly string[]).includes(value);
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
  dimension: Dimension;
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
