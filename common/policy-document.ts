/**
 * The privacy policy and the terms are Markdown files in legal/ with front matter; the server
 * reads them for the current versions, the PWA bundles them for /privacy and /terms. This module
 * parses one file, so both sides read the same versions.
 */

/** The documents a person accepts. */
export type PolicyDocumentId = 'privacy' | 'terms';

/** What the front matter says about one version of a document. */
export interface PolicyMeta {
  title: string;
  /** Whole numbers, one higher for each new version. */
  version: number;
  /** `YYYY-MM-DD`: the day this version applies from. */
  effective: string;
  /** A material change must be acknowledged before the next paid action; a minor one only updates the date. */
  material: boolean;
  /** What changed, in a sentence or two: the notice shows it. */
  summary: string;
  /**
   * The version a person must have accepted (at least) to need no notice: this version when it is
   * material, else the latest material one, which a minor version names in `lastMaterialVersion`.
   */
  requiredVersion: number;
  /**
   * What the notice says to someone who has not accepted `requiredVersion`: this version's summary
   * when it is material, else the last material one's, which a minor version repeats in
   * `lastMaterialSummary` (a typo fix says nothing to someone who missed the change that matters).
   */
  noticeSummary: string;
}

/** A parsed document: its front matter and the Markdown body. */
export interface PolicyDocument {
  meta: PolicyMeta;
  body: string;
}

/** Thrown for a file whose front matter is missing or inconsistent (the server refuses to start). */
export class PolicyFormatError extends Error {
  override name = 'PolicyFormatError';
}

/** Parses `---\nkey: value\n---\nbody`: flat keys, one line each. */
export function parsePolicy(text: string, file = 'document'): PolicyDocument {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) throw new PolicyFormatError(`${file}: no front matter (--- ... ---) at the top`);
  const fields = new Map<string, string>();
  for (const line of match[1]!.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon < 1) throw new PolicyFormatError(`${file}: front-matter line "${line}" is not "key: value"`);
    fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  const need = (key: string): string => {
    const value = fields.get(key);
    if (!value) throw new PolicyFormatError(`${file}: front matter needs "${key}"`);
    return value;
  };
  const whole = (key: string, value: string): number => {
    if (!/^[1-9]\d*$/.test(value)) throw new PolicyFormatError(`${file}: "${key}" must be a whole number from 1`);
    return Number(value);
  };
  const version = whole('version', need('version'));
  const effective = need('effective');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effective)) throw new PolicyFormatError(`${file}: "effective" must be YYYY-MM-DD`);
  const materialText = need('material');
  if (materialText !== 'true' && materialText !== 'false') throw new PolicyFormatError(`${file}: "material" must be true or false`);
  const material = materialText === 'true';
  const summary = need('summary');
  let requiredVersion = version;
  let noticeSummary = summary;
  if (!material) {
    const last = fields.get('lastMaterialVersion');
    if (!last) throw new PolicyFormatError(`${file}: a minor version (material: false) must name lastMaterialVersion`);
    requiredVersion = whole('lastMaterialVersion', last);
    if (requiredVersion >= version) throw new PolicyFormatError(`${file}: lastMaterialVersion must be lower than version`);
    noticeSummary = fields.get('lastMaterialSummary') ?? '';
    if (!noticeSummary) throw new PolicyFormatError(`${file}: a minor version (material: false) must repeat the last material version's summary as lastMaterialSummary`);
  }
  return { meta: { title: need('title'), version, effective, material, summary, requiredVersion, noticeSummary }, body: match[2]! };
}
