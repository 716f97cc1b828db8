/** The current privacy policy and terms, read from legal/*.md at start (the same files the PWA renders). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicy, type PolicyDocumentId, type PolicyMeta } from '../../common/policy-document.ts';

/** The repository's legal/ folder. */
export const legalDir = fileURLToPath(new URL('../../legal', import.meta.url));

/** Every document a person accepts, in the order they are shown. */
export const policyDocumentIds: readonly PolicyDocumentId[] = ['terms', 'privacy'];

/** The current version of each document. */
export type PolicySet = Record<PolicyDocumentId, PolicyMeta>;

/** Builds the set from each document's text (tests pass edited copies to stage a new version). */
export function policySetFromTexts(texts: Record<PolicyDocumentId, string>): PolicySet {
  return {
    terms: parsePolicy(texts.terms, 'terms.md').meta,
    privacy: parsePolicy(texts.privacy, 'privacy.md').meta,
  };
}

/** Reads legal/privacy.md and legal/terms.md; throws PolicyFormatError on a bad front matter. */
export function readPolicyTexts(dir = legalDir): Record<PolicyDocumentId, string> {
  return {
    terms: readFileSync(join(dir, 'terms.md'), 'utf8'),
    privacy: readFileSync(join(dir, 'privacy.md'), 'utf8'),
  };
}

/** Reads and parses the current documents. */
export function loadPolicies(dir = legalDir): PolicySet {
  return policySetFromTexts(readPolicyTexts(dir));
}
