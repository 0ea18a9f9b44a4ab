import fs from 'node:fs';

/** User + system CPU time of a process in microseconds (Linux /proc, 100 ticks a second), 0 where unavailable. */
export function cpuMicros(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1_000_000) / 100;
  } catch {
    return 0;
  }
}
