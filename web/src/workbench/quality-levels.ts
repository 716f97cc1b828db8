/**
 * The models as quality levels, in the words a person uses to choose: what the edges look
 * like, how long a photo takes, and what it downloads. Pure, so a test reads it as is.
 */
import { downloadBytes, type ModelInfo } from '../cutout/model.ts';

/** What each level means, keyed by the manifest's label; measured on the project's evaluation photos (docs/model-frontier.md). */
const LEVELS: Record<string, { order: number; blurb: string }> = {
  Fast: { order: 0, blurb: 'The quickest: about twice as fast as Standard. Fine edges such as hair come out softer.' },
  Standard: { order: 1, blurb: 'Sharp edges, about two and a half times as fast as Quality. The one to use unless a photo needs otherwise.' },
  Quality: { order: 2, blurb: 'Cuts each photo twice, with Fast’s model too, and keeps the surer edge: the cleanest edges on our test photos, for the largest download and the most time.' },
};

/** A model as a level: its manifest entry, what to say about it, and what it downloads. */
export interface QualityLevel {
  model: ModelInfo;
  blurb: string;
  /** Every model the level runs (its second opinion's too), in bytes. */
  bytes: number;
}

/** The models from quickest to finest; a model the table does not know comes last with a plain line. */
export function qualityLevels(models: readonly ModelInfo[]): QualityLevel[] {
  const order = (m: ModelInfo) => LEVELS[m.label]?.order ?? Number.MAX_SAFE_INTEGER;
  return [...models]
    .sort((a, b) => order(a) - order(b))
    .map((model) => ({ model, blurb: LEVELS[model.label]?.blurb ?? 'Another level of detail.', bytes: downloadBytes(model) }));
}
