/**
 * The process tree from Linux's /proc: a stat line read right, Chromium's processes told
 * apart, and this process's own children found.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { childrenOf, chromiumProcessKind, commandLine, descendants, parseStat } from '../../../../scripts/lib/proc-tree.ts';

describe('proc-tree', () => {
  it('reads user + system ticks and the parent from a stat line whose name holds spaces and parentheses', () => {
    const line = '4242 (Web Content (x) 2) S 17 4242 4242 0 -1 4194560 1000 0 0 0 250 31 0 0 20 0 12 0 5000 1000000 2000';
    expect(parseStat(line)).toEqual({ id: 4242, name: 'Web Content (x) 2', ppid: 17, ticks: 281 });
    expect(() => parseStat('garbage')).toThrow(/stat line/);
  });

  it("tells a Chromium browser's processes apart by their --type", () => {
    expect(chromiumProcessKind('/usr/lib/chromium/chromium\0--type=renderer\0--lang=en-US\0')).toBe('renderer');
    // Chromium rewrites its title: the arguments may be joined by spaces.
    expect(chromiumProcessKind('/usr/lib/chromium/chromium --type=gpu-process --no-sandbox')).toBe('gpu-process');
    expect(chromiumProcessKind('/usr/lib/chromium/chromium\0--no-sandbox\0--headless\0')).toBe('browser');
  });

  it.runIf(existsSync('/proc/self/stat'))('finds a child this process started, with its command line, among its children and descendants', () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'proc-tree-test']);
    try {
      expect(childrenOf(process.pid)).toContain(child.pid);
      expect(descendants(process.pid)).toContain(child.pid);
      expect(commandLine(child.pid!)).toContain('proc-tree-test');
    } finally {
      child.kill();
    }
  });
});
