/**
 * Message catalogs: one per language (`src/i18n/en`, `src/i18n/fr`), one file per namespace (a card, a page, a
 * feature), ICU MessageFormat strings (`{count, plural, one {# seat} other {# seats}}`, `{amount, number,
 * ::currency/EUR}`). English is the reference: the French catalog has exactly its shape (checked by the compiler and by
 * test/i18n/catalogs.test.ts), and a key is the dotted path of a message ("help.title").
 */
export interface Messages {
  readonly [key: string]: string | Messages;
}

/** The same keys as `T`, each message a string: what every other language's catalog must be. */
export type SameShape<T> = { readonly [K in keyof T]: T[K] extends string ? string : SameShape<T[K]> };

/** Every dotted key of a catalog ("help.title" | "help.state.active" | …). */
export type MessageKey<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : MessageKey<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** A catalog flattened to dotted keys. */
export function flatten(messages: Messages, prefix = '', into: Map<string, string> = new Map()): Map<string, string> {
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === 'string') into.set(prefix + key, value);
    else flatten(value, `${prefix}${key}.`, into);
  }
  return into;
}
