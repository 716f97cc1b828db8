import { describe, expect, it } from 'vitest';
import { UndoStack, type Reversible } from '../../../web/src/workbench/undo.ts';

/** An edit that appends to / removes from a log, so order is visible. */
function edit(log: string[], name: string, bytes = 1): Reversible & { name: string } {
  return { name, bytes, undo: () => log.push(`undo ${name}`), redo: () => log.push(`redo ${name}`) };
}

describe('UndoStack', () => {
  it('undoes newest first and redoes in the original order', () => {
    const log: string[] = [];
    const s = new UndoStack();
    s.push(edit(log, 'a'));
    s.push(edit(log, 'b'));
    expect(s.undo()?.bytes).toBe(1);
    expect(s.undo()).toBeDefined();
    expect(s.undo()).toBeUndefined();
    expect(s.redo()).toBeDefined();
    expect(s.redo()).toBeDefined();
    expect(s.redo()).toBeUndefined();
    expect(log).toEqual(['undo b', 'undo a', 'redo a', 'redo b']);
  });

  it('says what it can do', () => {
    const s = new UndoStack();
    expect([s.canUndo, s.canRedo]).toEqual([false, false]);
    s.push(edit([], 'a'));
    expect([s.canUndo, s.canRedo]).toEqual([true, false]);
    s.undo();
    expect([s.canUndo, s.canRedo]).toEqual([false, true]);
    expect(s.depth).toEqual({ undo: 0, redo: 1 });
  });

  it('forgets the undone edits when a new one is pushed', () => {
    const log: string[] = [];
    const s = new UndoStack();
    s.push(edit(log, 'a', 10));
    s.push(edit(log, 'b', 20));
    s.undo();
    s.push(edit(log, 'c', 5));
    expect(s.canRedo).toBe(false);
    expect(s.bytes).toBe(15);
    s.undo();
    s.undo();
    expect(log).toEqual(['undo b', 'undo c', 'undo a']);
  });

  it('drops the oldest edits beyond its entry limit', () => {
    const log: string[] = [];
    const s = new UndoStack({ maxEntries: 2 });
    for (const n of ['a', 'b', 'c']) s.push(edit(log, n));
    while (s.undo());
    expect(log).toEqual(['undo c', 'undo b']);
  });

  it('drops the oldest edits beyond its byte budget, but always keeps the newest', () => {
    const s = new UndoStack({ maxBytes: 100 });
    s.push(edit([], 'a', 60));
    s.push(edit([], 'b', 30));
    expect(s.bytes).toBe(90);
    s.push(edit([], 'c', 50));
    expect(s.bytes).toBe(80);
    expect(s.depth.undo).toBe(2);
    s.push(edit([], 'huge', 500));
    expect(s.depth.undo).toBe(1);
    expect(s.bytes).toBe(500);
  });

  it('clears everything', () => {
    const s = new UndoStack();
    s.push(edit([], 'a'));
    s.undo();
    s.push(edit([], 'b'));
    s.clear();
    expect([s.canUndo, s.canRedo, s.bytes]).toEqual([false, false, 0]);
  });
});
