/** The front matter of legal/*.md: what a version must say, and what a mistake in it does. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyFormatError } from '../../../common/policy-document.ts';

const doc = (front: string, body = '# Body\n') => `---\n${front}\n---\n${body}`;
const base = 'title: Terms of service\nversion: 3\neffective: 2026-12-01\nsummary: What changed.';

describe('parsePolicy', () => {
  it('reads both real documents', () => {
    for (const name of ['privacy', 'terms']) {
      const { meta, body } = parsePolicy(readFileSync(new URL(`../../../legal/${name}.md`, import.meta.url), 'utf8'), name);
      // A material version is the one to accept; a minor one names an earlier material version and repeats its summary.
      if (meta.material) expect(meta.requiredVersion).toBe(meta.version);
      else expect([meta.requiredVersion < meta.version, meta.requiredVersion >= 1, meta.noticeSummary.length > 0]).toEqual([true, true, true]);
      expect(body).toMatch(/^\n?\S/);
    }
  });

  it('makes a material version the one to accept', () => {
    const { meta, body } = parsePolicy(doc(`${base}\nmaterial: true`));
    expect(meta).toEqual({ title: 'Terms of service', version: 3, effective: '2026-12-01', material: true, summary: 'What changed.', requiredVersion: 3, noticeSummary: 'What changed.' });
    expect(body).toBe('# Body\n');
  });

  it("makes a minor version require only the last material one, which it must name, with that one's summary for the notice", () => {
    const minor = parsePolicy(doc(`${base}\nmaterial: false\nlastMaterialVersion: 2\nlastMaterialSummary: Requests are kept two years.`)).meta;
    expect([minor.requiredVersion, minor.summary, minor.noticeSummary]).toEqual([2, 'What changed.', 'Requests are kept two years.']);
    expect(() => parsePolicy(doc(`${base}\nmaterial: false\nlastMaterialSummary: s`))).toThrow(/lastMaterialVersion/);
    expect(() => parsePolicy(doc(`${base}\nmaterial: false\nlastMaterialVersion: 3\nlastMaterialSummary: s`))).toThrow(/lower than version/);
    expect(() => parsePolicy(doc(`${base}\nmaterial: false\nlastMaterialVersion: 2`))).toThrow(/lastMaterialSummary/);
  });

  it('refuses a file without front matter, or with a missing or malformed field', () => {
    expect(() => parsePolicy('# no front matter')).toThrow(PolicyFormatError);
    expect(() => parsePolicy(doc('title: T\nversion: 1\nmaterial: true\nsummary: s'))).toThrow(/effective/);
    expect(() => parsePolicy(doc('title: T\nversion: 1.5\neffective: 2026-12-01\nmaterial: true\nsummary: s'))).toThrow(/whole number/);
    expect(() => parsePolicy(doc('title: T\nversion: 1\neffective: 1 Dec\nmaterial: true\nsummary: s'))).toThrow(/YYYY-MM-DD/);
    expect(() => parsePolicy(doc('title: T\nversion: 1\neffective: 2026-12-01\nmaterial: yes\nsummary: s'))).toThrow(/true or false/);
  });
});
