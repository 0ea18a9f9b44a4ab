import { describe, expect, it } from 'vitest';
import { refusalCard } from '../src/bot/cards/refusal-card';
import { statsCard } from '../src/bot/cards/admin-cards';
import { cardToText, renderReply } from '../src/cli/card-text';

describe('terminal rendering of cards (npm run chat)', () => {
  it('renders titles, text, facts and links', () => {
    const text = cardToText(
      refusalCard(
        { kind: 'no-subscription' },
        { offerListingUrl: 'https://offer', landingPageUrl: 'https://land', manageSubscriptionUrl: 'https://manage' },
        'Bot',
        'desktop',
      ),
    );
    expect(text).toContain('== Your organization has not subscribed to Bot yet ==');
    expect(text).toContain('[View plans in browser] https://offer');
  });

  it('draws charts as text bars', () => {
    const text = cardToText(
      statsCard(
        [
          { day: '2026-03-01', turns: 2 },
          { day: '2026-03-02', turns: 4 },
        ],
        [{ userId: 'u', userName: 'Ada', turns: 6, quantity: 6 }],
      ),
    );
    expect(text).toMatch(/Sun 1 Mar █{15} 2/);
    expect(text).toMatch(/Mon 2 Mar █{30} 4/);
    expect(text).toContain('Ada  6 messages, 6 units');
  });

  it('skips typing indicators and shows text replies', () => {
    expect(renderReply({ type: 'typing' })).toBeUndefined();
    expect(renderReply({ type: 'message', text: 'hello' })).toBe('hello');
  });
});
