import { classifyTurn, type BilledQuantity, type UsageKind, type TurnFacts } from './billing-rules';
import { hasOverage, includedUnits, type Plan } from './plans';

/**
 * Every hard cap holds whatever the tokens turn out to be (DESIGN.md "Money never silently lost").
 *
 * The dimension and quantity of a turn depend on its tokens (billing rules: > 2,000 → premium, > 5,000 →
 * ceil(tokens / 2,000) units), and the tokens are known only after the answer has gone. So before the AI call a turn
 * is given an envelope:
 * - a token ceiling: prompt + completion tokens of all its completions together. The model is held to it (the
 *   prompt's history is cut and `max_tokens` bounded so that what it sends fits);
 * - the worst case of that ceiling on every dimension the turn could land on, held on each hard-capped one in the
 *   same atomic reservation (one conditional increment per dimension, in one transaction).
 * After the answer the turn is billed by the rules on its real tokens; should a hard-capped result not fit what was
 * held (the provider counted more tokens than our tokenizer did), it is billed at the ceiling instead, which the hold
 * covers by construction. Uncapped results (overage, unlimited) are always billed on the real tokens.
 *
 * The first envelope has the full ceiling (the prompt's input budget + its max output tokens). When its worst case
 * does not fit, smaller ceilings are tried, each just under a billing threshold (5,000 tokens: one unit; 2,000
 * tokens: `messages` rather than premium): a tenant whose premium allowance is spent still chats, with a shorter
 * history, as standard messages, and is refused only when no envelope fits.
 */
export interface TurnEnvelope {
  /** Prompt + completion tokens the whole turn may use. */
  tokenCeiling: number;
  /** Units held on hard-capped dimensions: the most the turn can be billed there. Empty when nothing is capped. */
  holds: QuotaHold[];
}

export interface QuotaHold {
  dimension: UsageKind;
  quantity: number;
  /** The dimension's allowance for the period: used + reserved may never pass it. */
  limit: number;
}

/** What is known of a turn before the AI call. */
export type TurnInput = Omit<TurnFacts, 'totalTokens'>;

/** Hard-capped: an allowance and no overage price (seat plans never have overage). */
export function isHardCapped(plan: Plan, dimension: UsageKind): boolean {
  return includedUnits(plan, dimension, 0) !== null && !hasOverage(plan, dimension);
}

/**
 * The most a turn of at most `tokenCeiling` tokens can be billed, per dimension it can land on. Quantity grows with
 * tokens and the dimension changes once (at the premium threshold), so the worst case on a dimension is the
 * classification at the most tokens that still land there.
 */
export function worstCase(input: TurnInput, plan: Plan, tokenCeiling: number): BilledQuantity[] {
  const rules = plan.billingRules;
  const atCeiling = classifyTurn({ ...input, totalTokens: tokenCeiling }, rules);
  const belowPremium = classifyTurn({ ...input, totalTokens: Math.min(tokenCeiling, Math.floor(rules.premiumTokens)) }, rules);
  return belowPremium.dimension === atCeiling.dimension ? [atCeiling] : [belowPremium, atCeiling];
}

/**
 * The envelopes to try for a turn, largest ceiling first; consecutive ones that would hold the same units are
 * skipped. `maxTurnTokens` is the most a turn can use (prompt budget + max output tokens).
 */
export function turnEnvelopes(input: TurnInput, plan: Plan, seats: number | undefined, maxTurnTokens: number): TurnEnvelope[] {
  const rules = plan.billingRules;
  const ceilings = [maxTurnTokens, Math.floor(rules.multiUnitTokens), Math.floor(rules.premiumTokens)]
    .filter((c, i) => i === 0 || (c > 0 && c < maxTurnTokens))
    .sort((a, b) => b - a);
  const envelopes: TurnEnvelope[] = [];
  for (const tokenCeiling of ceilings) {
    const holds = worstCase(input, plan, tokenCeiling)
      .filter((b) => isHardCapped(plan, b.dimension))
      .map((b) => ({ ...b, limit: includedUnits(plan, b.dimension, seats)! }));
    const previous = envelopes.at(-1);
    if (previous && sameHolds(previous.holds, holds)) continue;
    envelopes.push({ tokenCeiling, holds });
    // Nothing capped: nothing can be refused, and a smaller ceiling would only cut the prompt.
    if (holds.length === 0) break;
  }
  return envelopes;
}

function sameHolds(a: readonly QuotaHold[], b: readonly QuotaHold[]): boolean {
  return a.length === b.length && a.every((h, i) => h.dimension === b[i]!.dimension && h.quantity === b[i]!.quantity);
}

/**
 * What an answered turn is billed: the rules on its real tokens, unless that lands on a hard-capped dimension beyond
 * what the turn held; then the rules at its token ceiling (which its holds cover). `clamped` says which happened.
 */
export function settleTurn(
  input: TurnInput,
  totalTokens: number,
  plan: Plan,
  envelope: TurnEnvelope,
): BilledQuantity & { clamped: boolean } {
  const real = classifyTurn({ ...input, totalTokens }, plan.billingRules);
  if (!isHardCapped(plan, real.dimension)) return { ...real, clamped: false };
  const held = envelope.holds.find((h) => h.dimension === real.dimension)?.quantity ?? 0;
  if (real.quantity <= held) return { ...real, clamped: false };
  const capped = classifyTurn({ ...input, totalTokens: Math.min(totalTokens, envelope.tokenCeiling) }, plan.billingRules);
  return { ...capped, clamped: true };
}

/**
 * Whether a reservation refused on `hold` could succeed later: the units are taken only by turns in flight, which
 * may give some back when they settle below their worst case. Then the turn waits rather than being refused while
 * the allowance is not spent.
 */
export function mayFreeUp(hold: QuotaHold, used: number): boolean {
  return used + hold.quantity <= hold.limit;
}
