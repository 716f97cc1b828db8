/** The bench's command line: usage text and the parsed, checked options. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { manifest } from '../../web/src/cutout/model.ts';
import { sharedTestdata } from '../lib/paths.ts';
import type { PhotoSet } from './samples.ts';

export const USAGE = `Usage: npm run bench -- [options]
  --model ID       only this model (repeat for several); default: every model in models/manifest.json
  --dir DIR        folder of photos (default ../shared/testdata/photos)
  --runs N         passes over the photos and the large photo (default 1); every photo of a pass is one sample
  --large-mp N     megapixels of the large photo made by upscaling the folder's largest photo (default 24)
  --baseline ID    the model the others are compared with (default isnet-fp16)
  --dist DIR       serve this built PWA instead of building the working tree into a temporary folder
  --first-photo N fresh page loads per onnxruntime build for the first-photo table (default 3; 0 skips it)
  --dist-default DIR  a build made with VITE_ORT_BUILD=default, instead of building one
  --no-default-bundle  time the first photo with the app's own build only
  --old-dist DIR   also run Chromium on this build (an older commit's), interleaved model by model, for old vs new in one run
  --old-models DIR the models the old build is served with (default: models/)
  --no-batch       skip the batch pass (every photo chosen at once) in Chromium
  --no-photos      skip the one-at-a-time pass over the folder's photos (the warm-up and the batch still use them)
  --no-large       skip the large photo
  --max-photos N   only the folder's first N photos (sorted by name), to fit a run into a time slot
  --no-node        skip Node
  --no-browser     skip Chromium (and the first-photo table)`;

export interface Options {
  models: string[];
  dir: string;
  runs: number;
  largeMp: number;
  baseline: string;
  dist?: string;
  distDefault?: string;
  firstPhoto: number;
  /** Another build to run side by side ("old"), and the models folder it is served with. */
  oldDist?: string;
  oldModels?: string;
  batch: boolean;
  /** Which sets are timed one photo at a time. */
  timed: PhotoSet['name'][];
  maxPhotos?: number;
  defaultBundle: boolean;
  node: boolean;
  browser: boolean;
}

/** The options of `argv`, or 'help' when it asks for the usage; throws on a bad value. */
export function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', multiple: true },
      dir: { type: 'string' },
      runs: { type: 'string' },
      'large-mp': { type: 'string' },
      baseline: { type: 'string' },
      dist: { type: 'string' },
      'dist-default': { type: 'string' },
      'first-photo': { type: 'string' },
      'old-dist': { type: 'string' },
      'old-models': { type: 'string' },
      'no-batch': { type: 'boolean' },
      'no-photos': { type: 'boolean' },
      'no-large': { type: 'boolean' },
      'max-photos': { type: 'string' },
      'no-default-bundle': { type: 'boolean' },
      'no-node': { type: 'boolean' },
      'no-browser': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const known = manifest.models.map((m) => m.id);
  const models = values.model?.flatMap((m) => m.split(',')).filter(Boolean) ?? known;
  for (const m of models) if (!known.includes(m)) throw new Error(`unknown model "${m}"; the manifest has ${known.join(', ')}`);
  const runs = Number(values.runs ?? 1);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const largeMp = Number(values['large-mp'] ?? 24);
  if (!(largeMp > 0 && largeMp <= 50)) throw new Error('--large-mp must be between 0 and 50 (the decoder limit)');
  const opts: Options = {
    models,
    dir: resolve(values.dir ?? join(sharedTestdata, 'photos')),
    runs,
    largeMp,
    baseline: values.baseline ?? 'isnet-fp16',
    dist: values.dist && resolve(values.dist),
    distDefault: values['dist-default'] && resolve(values['dist-default']),
    firstPhoto: Number(values['first-photo'] ?? 3),
    oldDist: values['old-dist'] && resolve(values['old-dist']),
    oldModels: values['old-models'] && resolve(values['old-models']),
    batch: !values['no-batch'],
    timed: [...(values['no-photos'] ? [] : (['photos'] as const)), ...(values['no-large'] ? [] : (['large'] as const))],
    maxPhotos: values['max-photos'] === undefined ? undefined : Number(values['max-photos']),
    defaultBundle: !values['no-default-bundle'],
    node: !values['no-node'],
    browser: !values['no-browser'],
  };
  if (!Number.isInteger(opts.firstPhoto) || opts.firstPhoto < 0) throw new Error('--first-photo must be a whole number');
  if (opts.maxPhotos !== undefined && !(Number.isInteger(opts.maxPhotos) && opts.maxPhotos >= 1)) throw new Error('--max-photos must be a positive integer');
  if (!opts.node && !opts.browser) throw new Error('--no-node and --no-browser together leave nothing to measure');
  return opts;
}
