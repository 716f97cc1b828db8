/**
 * A bounded undo/redo stack of reversible edits. Each entry says how many bytes it holds,
 * and the oldest entries are dropped when the stack holds more than its budget, so undo
 * stays affordable on big photos.
 */

/** Anything that can be undone and redone; `bytes` is what keeping it costs. */
export interface Reversible {
  undo(): void;
  redo(): void;
  readonly bytes: number;
}

export interface UndoLimits {
  /** Most entries kept (default 100). */
  maxEntries?: number;
  /** Most bytes kept across entries (default 256 MB); the newest entry is always kept. */
  maxBytes?: number;
}

export class UndoStack<T extends Reversible = Reversible> {
  #done: T[] = [];
  #undone: T[] = [];
  #bytes = 0;
  readonly maxEntries: number;
  readonly maxBytes: number;

  constructor(limits: UndoLimits = {}) {
    this.maxEntries = limits.maxEntries ?? 100;
    this.maxBytes = limits.maxBytes ?? 256 * 1024 * 1024;
  }

  get canUndo(): boolean {
    return this.#done.length > 0;
  }

  get canRedo(): boolean {
    return this.#undone.length > 0;
  }

  /** Entries that can be undone, and redone. */
  get depth(): { undo: number; redo: number } {
    return { undo: this.#done.length, redo: this.#undone.length };
  }

  /** Bytes held by all entries. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Records an edit that has already been applied; clears the redo side. */
  push(entry: T): void {
    for (const e of this.#undone) this.#bytes -= e.bytes;
    this.#undone = [];
    this.#done.push(entry);
    this.#bytes += entry.bytes;
    while (this.#done.length > 1 && (this.#done.length > this.maxEntries || this.#bytes > this.maxBytes)) {
      this.#bytes -= this.#done.shift()!.bytes;
    }
  }

  /** Reverts the newest edit and returns it; undefined when there is none. */
  undo(): T | undefined {
    const entry = this.#done.pop();
    if (!entry) return undefined;
    entry.undo();
    this.#undone.push(entry);
    return entry;
  }

  /** Re-applies the newest undone edit and returns it; undefined when there is none. */
  redo(): T | undefined {
    const entry = this.#undone.pop();
    if (!entry) return undefined;
    entry.redo();
    this.#done.push(entry);
    return entry;
  }

  /** Forgets everything. */
  clear(): void {
    this.#done = [];
    this.#undone = [];
    this.#bytes = 0;
  }
}
