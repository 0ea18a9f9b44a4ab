import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logger';
import type { EmulatorSnapshot } from './emulator-types';

/**
 * The emulator's JSON persistence: read once at creation, saved after changes (debounced, atomically) and on close.
 * Without a file, nothing is read or written.
 */

/** State-file writes are coalesced over this window. */
const SAVE_DEBOUNCE_MS = 100;

export class EmulatorStateFile {
  private saveTimer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    private readonly file: string | undefined,
    private readonly logger: Logger,
    /** What to write: the state and the licences as they are at save time. */
    private readonly snapshot: () => EmulatorSnapshot,
  ) {}

  read(): EmulatorSnapshot | undefined {
    return this.file ? readStateFile(this.file, this.logger) : undefined;
  }

  scheduleSave(): void {
    if (!this.file) return;
    this.dirty = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, SAVE_DEBOUNCE_MS);
    // The timer must not keep a test process alive; close() flushes whatever it would have written.
    this.saveTimer.unref();
  }

  /** Stops the timer and writes what it would have written. */
  close(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (this.dirty) this.save();
  }

  private save(): void {
    const file = this.file;
    if (!file) return;
    this.dirty = false;
    try {
      writeAtomically(file, JSON.stringify(this.snapshot(), null, 2));
    } catch (thrown) {
      this.logger.error({ stateFile: file, err: thrown }, 'emulator state not saved');
    }
  }
}

/** A missing file is a first start; an unreadable one is reported and replaced at the next save. */
function readStateFile(file: string, logger: Logger): EmulatorSnapshot | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (thrown) {
    if ((thrown as NodeJS.ErrnoException).code !== 'ENOENT')
      logger.warn({ stateFile: file, err: thrown }, 'emulator state file unreadable; starting empty');
    return undefined;
  }
  try {
    return JSON.parse(text) as EmulatorSnapshot;
  } catch (thrown) {
    logger.warn({ stateFile: file, err: thrown }, 'emulator state file is not JSON; starting empty');
    return undefined;
  }
}

/** Write then rename: a crash mid-write leaves the previous state, never half a file. */
function writeAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}
