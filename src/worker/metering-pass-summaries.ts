/** What one drain of the usage queue did (src/worker/metering-worker.ts). */
export interface DrainSummary {
  received: number;
  consumed: number;
  duplicates: number;
  carriedUnits: number;
}

/** What one flush did: its calls, and how the reports it sent or carried were settled. */
export interface FlushSummary {
  calls: number;
  submitted: number;
  accepted: number;
  conflicts: number;
  retries: number;
  held: number;
  expired: number;
  failed: number;
}

export function emptyFlushSummary(): FlushSummary {
  return {
    calls: 0,
    submitted: 0,
    accepted: 0,
    conflicts: 0,
    retries: 0,
    held: 0,
    expired: 0,
    failed: 0,
  };
}
