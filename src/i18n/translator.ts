import { IntlMessageFormat, type PrimitiveType } from 'intl-messageformat';
import { flatten, type MessageKey, type Messages } from './catalog';
import { en } from './en';
import { fr } from './fr';
import { DEFAULT_LOCALE, type Locale } from './locale';

export type { Locale } from './locale';
/** A key of the English catalog: a typo is a compile error. */
export type TextKey = MessageKey<typeof en>;
export type TextValues = Record<string, PrimitiveType | Date>;

/**
 * Everything user-facing text needs for one language: its messages and `Intl` formats. Cards, refusals, pages and
 * notices take a `Translator` instead of building sentences themselves.
 */
export interface Translator {
  readonly locale: Locale;
  /** The message of `key` with its `{placeholders}` filled in (numbers, dates and plurals by the locale's rules). */
  t(key: TextKey, values?: TextValues): string;
  /** A whole number or decimal ("1,234.5" / "1 234,5"). */
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** An amount of money ("€1,234.50" / "1 234,50 €"). */
  currency(amount: number, currency: string): string;
  /** A calendar date (UTC), e.g. "Dec 2, 2026" / "2 déc. 2026". */
  date(value: Date | string, options?: Intl.DateTimeFormatOptions): string;
}

const CATALOGS: Record<Locale, Messages> = { en, fr };
const FLAT = new Map<Locale, Map<string, string>>(
  Object.entries(CATALOGS).map(([locale, messages]) => [locale as Locale, flatten(messages)]),
);
/** The `Intl` locale each language formats with. */
const INTL_LOCALE: Record<Locale, string> = { en: 'en-US', fr: 'fr-FR' };

/** Every key of a language's catalog (for tests and tools). */
export function catalogKeys(locale: Locale): string[] {
  return [...(FLAT.get(locale) ?? new Map<string, string>()).keys()];
}

/** The raw ICU message of a key, or undefined (for tests and tools). */
export function rawMessage(locale: Locale, key: string): string | undefined {
  return FLAT.get(locale)?.get(key);
}

const translators = new Map<Locale, Translator>();

/** The translator of a language (one per language, messages compiled on first use and kept). */
export function translator(locale: Locale = DEFAULT_LOCALE): Translator {
  let found = translators.get(locale);
  if (!found) translators.set(locale, (found = createTranslator(locale)));
  return found;
}

function createTranslator(locale: Locale): Translator {
  const intlLocale = INTL_LOCALE[locale];
  const compiled = new Map<string, IntlMessageFormat>();
  const numbers = new Intl.NumberFormat(intlLocale);
  const formatOf = (key: string): IntlMessageFormat => {
    let format = compiled.get(key);
    if (!format) {
      const message = FLAT.get(locale)?.get(key) ?? FLAT.get(DEFAULT_LOCALE)?.get(key);
      if (message === undefined) throw new Error(`No message "${key}" in the ${locale} catalog`);
      format = new IntlMessageFormat(message, intlLocale, undefined, { ignoreTag: true });
      compiled.set(key, format);
    }
    return format;
  };
  return {
    locale,
    t: (key, values) => String(formatOf(key).format(values)),
    number: (value, options) => (options ? new Intl.NumberFormat(intlLocale, options) : numbers).format(value),
    currency: (amount, currency) => new Intl.NumberFormat(intlLocale, { style: 'currency', currency }).format(amount),
    date: (value, options = { dateStyle: 'medium' }) =>
      new Intl.DateTimeFormat(intlLocale, { timeZone: 'UTC', ...options }).format(typeof value === 'string' ? new Date(value) : value),
  };
}
