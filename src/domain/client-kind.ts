/**
 * The kind of Teams client a turn came from, as far as selling goes. The Teams Store forbids purchase, upgrade,
 * pricing and plan links in the iOS and Android clients (the app stores' rules on selling outside them): cards sent
 * to a phone say "ask your organization's admin" instead. Desktop, web and unknown clients keep their buttons.
 * Computed once at the bot edge from the activity (src/bot/activity-facts.ts).
 */
export type ClientKind = 'mobile' | 'desktop';

/** Whether a card may show purchase, upgrade, pricing or plan links and figures. */
export const showsPurchaseUi = (client: ClientKind): boolean => client !== 'mobile';
