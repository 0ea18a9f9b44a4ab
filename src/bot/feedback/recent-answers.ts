/**
 * The text of recent AI answers by their activity id, so that feedback on one can keep the text it is about. Only
 * filled when the operator stores message text (`STORE_MESSAGE_TEXT=true`): it is personal data. In memory and
 * bounded (the newest `capacity` answers, none older than `maxAgeMs`): feedback that reaches another instance, or
 * comes later, is stored without the text.
 */
export class RecentAnswers {
  private readonly answers = new Map<string, { text: string; at: number }>();

  constructor(
    private readonly options: { capacity: number; maxAgeMs: number; now?: () => number } = {
      capacity: 2000,
      maxAgeMs: 24 * 3600_000,
    },
  ) {}

  remember(replyId: string, text: string): void {
    if (!replyId || !text) return;
    this.answers.delete(replyId);
    this.answers.set(replyId, { text, at: this.now() });
    while (this.answers.size > this.options.capacity) {
      const oldest = this.answers.keys().next();
      if (oldest.done) break;
      this.answers.delete(oldest.value);
    }
  }

  textOf(replyId: string): string | undefined {
    const found = this.answers.get(replyId);
    if (!found) return undefined;
    if (this.now() - found.at > this.options.maxAgeMs) {
      this.answers.delete(replyId);
      return undefined;
    }
    return found.text;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
