/**
 * Counts work in flight: HTTP turns, and the usage writes that outlive their turn (the reply leaves before its usage
 * is committed). Shutdown stops accepting, then waits for the count to reach zero before closing the store.
 */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];
  accepting = true;

  enter(): void {
    this.count += 1;
  }

  leave(): void {
    this.count -= 1;
    if (this.count === 0) for (const w of this.waiters.splice(0)) w();
  }

  get size(): number {
    return this.count;
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
