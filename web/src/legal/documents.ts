/**
 * The terms and the privacy policy, bundled from legal/*.md at build time: the pages read them
 * with no request, so they work offline, and they are the very files the server versions.
 */
import privacyText from '../../../legal/privacy.md?raw';
import termsText from '../../../legal/terms.md?raw';
import { parsePolicy, type PolicyDocument, type PolicyDocumentId } from '../../../common/policy-document.ts';

/** Both documents, parsed. */
export const policyDocuments: Record<PolicyDocumentId, PolicyDocument> = {
  privacy: parsePolicy(privacyText, 'privacy.md'),
  terms: parsePolicy(termsText, 'terms.md'),
};
