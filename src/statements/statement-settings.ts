import type { Reader } from '../config-reader';

export interface StatementSettings {
  /**
   * How long a statement link handed out in Teams opens the statement (the `usage` card's button, the operators'
   * `statement` command). @defaultValue 60 minutes (`STATEMENT_LINK_MINUTES`), at most 1440
   */
  linkLifetimeMs: number;
}

export const DEFAULT_STATEMENT_LINK_MINUTES = 60;
const MAX_STATEMENT_LINK_MINUTES = 24 * 60;

/** Usage statement settings (README "Usage statements"). */
export function loadStatementSettings(r: Reader): StatementSettings {
  // The reader records an out-of-range value as a problem (the start fails naming the variable).
  const minutes = r.int('STATEMENT_LINK_MINUTES', DEFAULT_STATEMENT_LINK_MINUTES, 1, MAX_STATEMENT_LINK_MINUTES);
  return { linkLifetimeMs: minutes * 60_000 };
}
