/**
 * The catalog shipped with the code. Operators replace it with their own Partner Center plans through
 * `PLAN_CATALOG_FILE` (same shape, JSON). Prices are monthly, in EUR, as in the seed.
 */
export const DEFAULT_PLAN_CATALOG = {
  currency: 'EUR',
  plans: [
    {
      id: 'starter',
      displayName: 'Starter',
      description: 'For small teams trying the assistant. Hard monthly cap, no surprise on the bill.',
      basePrice: 9,
      dimensions: {
        messages: { included: 500 },
        premium_messages: { included: 50 },
      },
    },
    {
      id: 'business',
      displayName: 'Business',
      description: 'For departments. Usage beyond the allowance is billed per message.',
      basePrice: 49,
      dimensions: {
        messages: { included: 5000, overagePrice: 0.01 },
        premium_messages: { included: 500, overagePrice: 0.04 },
      },
    },
    {
      id: 'enterprise',
      displayName: 'Enterprise',
      description: 'Unlimited standard messages; premium messages beyond the allowance are billed.',
      basePrice: 199,
      dimensions: {
        messages: { included: null },
        premium_messages: { included: 5000, overagePrice: 0.03 },
      },
    },
    {
      id: 'team-seat',
      displayName: 'Team (per user)',
      description: 'Priced per user. Each seat adds to a shared monthly allowance.',
      isPricePerSeat: true,
      minSeats: 1,
      maxSeats: 1000,
      basePrice: 6,
      dimensions: {
        messages: { included: 300 },
        premium_messages: { included: 30 },
      },
    },
  ],
};
