import { GPTTokenizer, type Tokenizer } from '@microsoft/teams-ai';
import type { Clock } from '../../domain/clock';
import {
  appendExchange,
  historyExpiry,
  historyKeyOf,
  type ConversationRef,
  type HistoryLimits,
} from '../../domain/conversation-history';
import type { Logger } from '../../logger';
import type { Store, StoredHistory } from '../../store/store';

/** Structural view of botbuilder's TurnContext.turnState, so this module needs no SDK import. */
interface HasTurnState {
  turnState: Map<unknown, unknown>;
}

const TURN_HISTORY_KEY = Symbol('turnHistory');
/** Conversations whose store key (a SHA-256) is remembered: one per active conversation a process serves. */
const KEY_CACHE_LIMIT = 50_000;
/** A history that could not be read: the turn goes on without it and does not write over what it could not see. */
const UNREADABLE: StoredHistory = { exchanges: [], version: -1 };

/**
 * Conversation history in the store, shared by every instance (README "Conversation history"). Per turn: at most one
 * read (when the model renders its prompt) and one write (once the turn is billed, in the background like its
 * usage); nothing at all when history is off, for commands, or for refused turns. Message text is never logged.
 */
export class ConversationMemory {
  private readonly tokenizer = new GPTTokenizer();
  private readonly keys = new Map<string, string>();

  constructor(private readonly deps: { store: Store; limits: HistoryLimits; clock: Clock; logger: Logger }) {}

  /** Attaches the turn's history to its context; nothing is read until the model asks (turnHistoryOf). */
  open(context: HasTurnState, ref: ConversationRef): TurnHistory {
    const history = new TurnHistory(ref, this.keyOf(ref), this.deps, (text) => this.tokenizer.encode(text).length);
    context.turnState.set(TURN_HISTORY_KEY, history);
    return history;
  }

  /** `new chat`: forgets the conversation's history. False when there was none. */
  reset(ref: ConversationRef): Promise<boolean> {
    return this.deps.store.history.clear(this.keyOf(ref));
  }

  /** historyKeyOf, hashed once per conversation rather than at every turn. */
  private keyOf(ref: ConversationRef): string {
    const id = `${ref.tenantId}\n${ref.conversationId}`;
    let key = this.keys.get(id);
    if (key === undefined) {
      key = historyKeyOf(ref);
      if (this.keys.size >= KEY_CACHE_LIMIT) this.keys.delete(this.keys.keys().next().value as string);
      this.keys.set(id, key);
    }
    return key;
  }
}

/** One turn's view of its conversation's history. */
export class TurnHistory {
  private loaded: Promise<StoredHistory> | undefined;
  /** Token counts of the texts the prompt measured during this turn (the user's message among them). */
  private readonly measured = new Map<string, number>();

  constructor(
    private readonly ref: ConversationRef,
    private readonly key: string,
    private readonly deps: { store: Store; limits: HistoryLimits; clock: Clock; logger: Logger },
    private readonly countTokens: (text: string) => number,
  ) {}

  /**
   * The prompt's tokenizer, noting the count of each text it encodes for this turn, so that remembering the
   * exchange does not tokenize the user's message a second time. The counts live as long as the turn.
   */
  measuring(tokenizer: Tokenizer): Tokenizer {
    return {
      encode: (text) => {
        const tokens = tokenizer.encode(text);
        this.measured.set(text, tokens.length);
        return tokens;
      },
      decode: (tokens) => tokenizer.decode(tokens),
    };
  }

  /** The history before this turn, read once however many times the model renders. Never rejects. */
  load(): Promise<StoredHistory> {
    this.loaded ??= this.deps.store.history.load(this.key, this.deps.clock.now()).catch((thrown: unknown) => {
      this.deps.logger.warn({ tenantId: this.ref.tenantId, err: thrown }, 'conversation history could not be read');
      return UNREADABLE;
    });
    return this.loaded;
  }

  /**
   * Adds the turn's exchange, within the bounds (oldest dropped first). When another turn of the conversation wrote
   * meanwhile (or it was reset), reads again and adds to that, once. Never rejects: history is a convenience, a
   * failed write only costs the next turn some context.
   */
  async remember(user: string, assistant: string): Promise<void> {
    const { store, limits, clock, logger } = this.deps;
    const ids = { tenantId: this.ref.tenantId };
    try {
      let current = await this.load();
      if (current.version < 0) return;
      const at = clock.now();
      const userTokens = this.measured.get(user) ?? this.countTokens(user);
      const exchange = { user, assistant, tokens: userTokens + this.countTokens(assistant), userTokens, at };
      for (let attempt = 1; attempt <= 2; attempt++) {
        const exchanges = appendExchange(current.exchanges, exchange, limits);
        if (exchanges.length === 0 && current.version === 0) return;
        const outcome = await store.history.save(
          {
            key: this.key,
            tenantId: this.ref.tenantId,
            exchanges,
            expiresAt: historyExpiry(at, limits),
            at,
            expectedVersion: current.version,
          },
          { background: true },
        );
        if (outcome === 'saved') return;
        current = await store.history.load(this.key, clock.now());
      }
      logger.warn(ids, 'conversation history not updated: other turns of the conversation kept writing it');
    } catch (thrown) {
      logger.warn({ ...ids, err: thrown }, 'conversation history could not be written');
    }
  }
}

export function turnHistoryOf(context: HasTurnState): TurnHistory | undefined {
  const history = context.turnState.get(TURN_HISTORY_KEY);
  return history instanceof TurnHistory ? history : undefined;
}
