import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { catalogKeys, rawMessage, translator } from '../../src/i18n/translator';
import { LOCALES, localeFromAcceptLanguage, localeOf } from '../../src/i18n/locale';

/** The names of a message's placeholders, nested ones (inside plurals and selects) included. */
function placeholders(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
    into.add(element.value);
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      for (const option of Object.values(element.options)) placeholders(option.value, into);
    }
    if (element.type === TYPE.tag) placeholders(element.children, into);
  }
  return into;
}

describe('message catalogs', () => {
  it('have the same keys in every language, none empty', () => {
    const english = catalogKeys('en').sort();
    expect(english.length).toBeGreaterThan(0);
    for (const locale of LOCALES) {
      expect(catalogKeys(locale).sort()).toEqual(english);
      for (const key of english) expect(rawMessage(locale, key)?.trim(), `${locale} ${key}`).toBeTruthy();
    }
  });

  it('parse as ICU messages and use the same placeholders in every language', () => {
    for (const key of catalogKeys('en')) {
      const expected = [...placeholders(parse(rawMessage('en', key) ?? ''))].sort();
      for (const locale of LOCALES) {
        const found = [...placeholders(parse(rawMessage(locale, key) ?? ''))].sort();
        expect(found, `${locale} ${key}`).toEqual(expected);
      }
    }
  });

  it('are translated: a French message with words differs from the English one (but for words both languages share)', () => {
    const SAME_IN_BOTH = new Set(['landing.manage.messages', 'operatorCards.revenue.total', 'operatorCards.metering.billedLine']);
    /** Words spelt the same in both languages (and machine column names of the CSV statement). */
    const SHARED_WORDS = new Set(['dimension', 'date', 'notifications', 'action', 'activations', 'webhook', 'pages', 'plan', 'mrr', 'support', 'min']);
    const words = (message: string) => message.replace(/\{[^{}]*\}/g, '').match(/\p{L}{3,}/gu) ?? [];
    const untranslated = catalogKeys('en').filter((key) => {
      const english = words(rawMessage('en', key) ?? '');
      const shared = english.every((w) => SHARED_WORDS.has(w.toLowerCase())) || key.startsWith('statement.csv.');
      return !SAME_IN_BOTH.has(key) && english.length > 0 && !shared && rawMessage('fr', key) === rawMessage('en', key);
    });
    expect(untranslated).toEqual([]);
  });

  it('format plurals, numbers, money and dates by the language', () => {
    expect(translator('en').t('common.seats', { count: 1 })).toBe('1 seat');
    expect(translator('en').t('common.seats', { count: 1200 })).toBe('1,200 seats');
    expect(translator('fr').t('common.seats', { count: 1 })).toBe('1 siège');
    expect(translator('fr').t('common.seats', { count: 3 })).toBe('3 sièges');
    expect(translator('en').currency(1234.5, 'EUR')).toBe('€1,234.50');
    expect(translator('fr').currency(1234.5, 'EUR')).toBe('1\u202f234,50\u00a0€');
    expect(translator('en').date('2026-12-02T00:00:00Z')).toBe('Dec 2, 2026');
    expect(translator('fr').date('2026-12-02T00:00:00Z')).toBe('2 déc. 2026');
  });
});

describe('picking a language', () => {
  it('follows the Teams locale, English otherwise', () => {
    expect(localeOf('fr-FR')).toBe('fr');
    expect(localeOf('fr-CA')).toBe('fr');
    expect(localeOf('en-GB')).toBe('en');
    expect(localeOf('de-DE')).toBe('en');
    expect(localeOf(undefined)).toBe('en');
  });

  it('follows Accept-Language by weight', () => {
    expect(localeFromAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8')).toBe('fr');
    expect(localeFromAcceptLanguage('de-DE, en;q=0.5, fr;q=0.7')).toBe('fr');
    expect(localeFromAcceptLanguage('de-DE')).toBe('en');
    expect(localeFromAcceptLanguage('fr;q=0, en')).toBe('en');
    expect(localeFromAcceptLanguage('')).toBe('en');
    expect(localeFromAcceptLanguage('%%%;;q=abc')).toBe('en');
  });
});
