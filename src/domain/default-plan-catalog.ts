/**
 * The catalog shipped with the code: two offers, because Partner Center gives every plan of an offer one pricing
 * model. Operators replace it with their own Partner Center offers through `PLAN_CATALOG_FILE` (same shape, JSON;
 * README "Catalog"). Prices in EUR.
 *
 * The dimension ids are `messages` and `premium_messages`: the ids this product metered before catalogs had offers.
 * Partner Center never lets a published dimension id change, so an offer already live keeps them.
 */
export const DEFAULT_PLAN_CATALOG = {
  currency: 'EUR',
  offers: [
    {
      id: 'teams-ai-assistant',
      publisherId: 'contoso',
      displayName: 'Teams AI assistant',
      pricingModel: 'flatRate',
      dimensions: [
        { id: 'messages', displayName: 'Standard messages', unitOfMeasure: 'per message' },
        { id: 'premium_messages', displayName: 'Premium messages', unitOfMeasure: 'per premium message' },
      ],
      usageDimensions: { messages: 'messages', premium_messages: 'premium_messages' },
      plans: [
        {
          id: 'starter',
          displayName: 'Starter',
          description: 'For small teams trying the assistant. Hard monthly cap, no surprise on the bill.',
          prices: { P1M: 9 },
          dimensions: {
            messages: { included: 500, hardCap: true },
            premium_messages: { included: 50, hardCap: true },
          },
        },
        {
          id: 'business',
          displayName: 'Business',
          description: 'For departments. Usage beyond the allowance is billed per message.',
          prices: { P1M: 49 },
          dimensions: {
            messages: { included: 5000, pricePerUnit: 0.01 },
            premium_messages: { included: 500, pricePerUnit: 0.04 },
          },
        },
        {
          id: 'enterprise',
          displayName: 'Enterprise',
          description: 'Unlimited standard messages; premium messages beyond the allowance are billed.',
          prices: { P1M: 199 },
          dimensions: {
            messages: { included: 'unlimited' },
            premium_messages: { included: 5000, pricePerUnit: 0.03 },
          },
        },
      ],
    },
    {
      id: 'teams-ai-assistant-users',
      publisherId: 'contoso',
      displayName: 'Teams AI assistant (per user)',
      pricingModel: 'perUser',
      plans: [
        {
          id: 'team-seat',
          displayName: 'Team (per user)',
          description: 'Priced per user, with a one-month free trial. Each user adds to a shared monthly allowance.',
          prices: { P1M: 6 },
          minUsers: 1,
          maxUsers: 1000,
          freeTrial: true,
          allowancesPerUser: { messages: 300, premium_messages: 30 },
        },
        {
          id: 'team-plus',
          displayName: 'Team Plus (per user)',
          description: 'Priced per user, for heavy users: a larger shared allowance, premium messages included.',
          prices: { P1M: 12, P1Y: 120 },
          minUsers: 5,
          maxUsers: 5000,
          allowancesPerUser: { messages: 1000, premium_messages: 200 },
        },
      ],
    },
  ],
};
