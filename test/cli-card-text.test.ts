import { describe, expect, it } from 'vitest';
import { refusalCard } from '../src/bot/cards/refusal-card';
import { statsCard } from '../src/bot/cards/admin-cards';
import { welcomeCard } from '../src/bot/cards/help-card';
import { CARD_SEPARATOR, cardToText, renderReply } from '../src/cli/card-text';
import { translator } from '../src/i18n/translator';

describe('terminal rendering of cards (npm run chat)', () => {
  it('renders titles, text, facts and links', () => {
    const text = cardToText(
      refusalCard(
        translator('en'),
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
        translator('en'),
        [
          { day: '2026-03-01', turns: 2 },
          { day: '2026-03-02', turns: 4 },
        ],
        [{ userId: 'u', userName: 'Ada', turns: 6, quantity: 6 }],
      ),
    );
    expect(text).toMatch(/Sun, Mar 1 █{15} 2/);
    expect(text).toMatch(/Mon, Mar 2 █{30} 4/);
    expect(text).toContain('Ada  6 messages, 6 units');
  });

  it('shows what a prompt starter of the welcome card would send, in the user’s language', () => {
    const links = { offerListingUrl: 'https://offer', landingPageUrl: 'https://land', manageSubscriptionUrl: 'https://manage' };
    const card = (locale: 'en' | 'fr') =>
      cardToText(welcomeCard({ tr: translator(locale), productName: 'Bot', provider: 'offline', state: 'active', client: 'desktop', links }));
    expect(card('en')).toContain("== Hi, I'm Bot ==");
    expect(card('en')).toMatch(/\[Draft an email\] "Draft a short, friendly email/);
    expect(card('fr')).toContain('== Bonjour, je suis Bot ==');
    expect(card('fr')).toMatch(/\[Rédiger un e-mail\] "Rédigez un court e-mail/);
  });

  it('skips typing indicators and shows text replies', () => {
    expect(renderReply({ type: 'typing' })).toBeUndefined();
    expect(renderReply({ type: 'message', text: 'hello' })).toBe('hello');
  });

  it('renders several cards of one reply in order, a separator between them', () => {
    const card = (heading: string) => ({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: heading, weight: 'Bolder' }] });
    const adaptive = (content: unknown) => ({ contentType: 'application/vnd.microsoft.card.adaptive', content });
    const text = renderReply({
      type: 'message',
      attachments: [adaptive(card('Usage this period: per-user offer')), adaptive(card('Usage this period: flat-rate offer'))],
    });
    expect(text).toBe(
      ['== Usage this period: per-user offer ==', CARD_SEPARATOR, '== Usage this period: flat-rate offer =='].join('\n'),
    );
    // One card: no separator.
    expect(renderReply({ type: 'message', attachments: [adaptive(card('Seats'))] })).toBe('== Seats ==');
  });
});
