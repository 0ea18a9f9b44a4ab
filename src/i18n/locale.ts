/**
 * The languages the product speaks, and how a request picks one: the Teams activity's `locale` ("fr-FR") or the
 * browser's `Accept-Language`; English when neither names a language we have.
 */
export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The product language of one BCP 47 tag ("fr-CA" → fr), or undefined when we do not speak it. */
export function supportedLocale(tag: string | undefined | null): Locale | undefined {
  const language = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((l) => l === language);
}

/** The language of a Teams activity's `locale`, English otherwise. */
export function localeOf(tag: string | undefined | null): Locale {
  return supportedLocale(tag) ?? DEFAULT_LOCALE;
}

/** The best language of an `Accept-Language` header by its q-values ("fr-CH, fr;q=0.9, en;q=0.8"), English otherwise. */
export function localeFromAcceptLanguage(header: string | undefined | null): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const r of ranked) {
    const locale = supportedLocale(r.tag);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}
