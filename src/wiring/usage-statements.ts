import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import { statementLinkKey, StatementLinks } from '../statements/statement-links';

/** The statement links and the key their pages check them with. */
export interface UsageStatements {
  key: Buffer;
  links: StatementLinks;
}

/** Usage statements: signed short-lived links (the usage card, the operators' `statement`) and their pages. */
export function createUsageStatements(config: Readonly<Config>, clock: Clock): UsageStatements {
  const key = statementLinkKey(config.landing.sessionSecret);
  const links = new StatementLinks({
    publicUrl: config.publicUrl,
    key,
    lifetimeMs: config.statements.linkLifetimeMs,
    now: () => clock.now(),
  });
  return { key, links };
}
