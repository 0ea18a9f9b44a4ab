import type { Clock } from '../../src/domain/clock';

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  private ms: number;

  constructor(start: Date | string = '2026-03-10T10:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  set(at: Date | string): void {
    this.ms = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
