/**
 * The bench's measured browser: a real Chromium launched, and its main process found among
 * this process's children, so /proc gives the CPU of that browser's processes and no other's.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findChromium } from '../../../../scripts/lib/chromium.ts';
import { launchMeasured } from '../../../../scripts/lib/measured-chromium.ts';
import { chromiumSnapshot } from '../../../../scripts/lib/proc-cpu.ts';
import { childrenOf, chromiumKindOf, descendants } from '../../../../scripts/lib/proc-tree.ts';

describe('launchMeasured', () => {
  it.runIf(existsSync('/proc/self/stat') && findChromium())("finds the launched browser's main process, whose descendants hold the page's renderer", async () => {
    const before = new Set(childrenOf(process.pid));
    const chromium = await launchMeasured();
    try {
      const root = chromium.root!;
      expect(root, 'the main process found').toBeDefined();
      expect(before.has(root), 'a child that was there before the launch').toBe(false);
      expect(childrenOf(process.pid)).toContain(root);
      expect(chromiumKindOf(root)).toBe('browser');
      const page = await chromium.browser.newPage();
      await page.goto('data:text/html,<p>measured</p>');
      expect(descendants(root).map(chromiumKindOf)).toContain('renderer');
      // The CPU snapshot the bench takes covers the main process and its descendants.
      expect([...chromiumSnapshot(root).processes.keys()]).toContain(root);
    } finally {
      await chromium.close();
    }
  });
});
