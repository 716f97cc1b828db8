/**
 * The `clearcut` command line: its options, their defaults and checks, and the help text.
 * Parsing is pure (argv and env in, options or a usage error out) so it is unit-tested.
 */
import { parseArgs } from 'node:util';
import type { ExportSize } from '../../common/export-size.ts';
import { IMAGE_EXTENSIONS } from '../../common/image-files.ts';
import { DEFAULT_QUALITY, isQuality, OUTPUT_FORMATS, QUALITY_RANGE, takesQuality, type OutputFormat } from '../../common/output-format.ts';
import { colorBackground } from '../../web/src/cutout/compose.ts';
import { cssColor } from '../../web/src/cutout/css-colors.ts';
import { BUILT_IN_BACKGROUNDS } from '../../web/src/cutout/backgrounds.ts';
import { builtInExportBackground, type ExportLayout, type PixelBackground } from '../../web/src/cutout/export.ts';
import { parsePreset } from '../../web/src/cutout/frame.ts';
import { manifest } from '../../web/src/cutout/model.ts';

/** What the options ask for, checked and with the defaults filled in. */
export interface CliOptions {
  inputs: string[];
  modelId: string;
  format: OutputFormat;
  /** As written (`transparent`, `blur` or `#rrggbb`; a colour name becomes its `#rrggbb`), and as the export takes it. */
  backgroundName: string;
  background: PixelBackground;
  size: ExportSize;
  /** Output folder; undefined writes each result next to its photo. */
  out?: string;
  force: boolean;
  concurrency: number;
  server: string;
  apiKey?: string;
  /** Crop, padding, preset and shadow, as the app's export takes them. */
  layout: ExportLayout;
  /** Encoder quality for WebP and JPEG, 1..100. */
  quality: number;
}

export type ParsedArgs = { kind: 'run'; options: CliOptions; notices: string[] } | { kind: 'help' } | { kind: 'version' };

/** A mistake in the command line: exit code 2, with the message and a pointer to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const DEFAULT_SERVER = 'http://localhost:8787';
export const DEFAULT_CONCURRENCY = 2;

/** The model id for `quality`, `fast` (the manifest's labels) or an id. */
export function resolveModel(name: string): string {
  const byLabel = manifest.models.find((m) => m.label.toLowerCase() === name.toLowerCase());
  const model = byLabel ?? manifest.models.find((m) => m.id === name);
  if (!model) {
    const known = manifest.models.map((m) => `${m.label.toLowerCase()} (${m.id})`).join(', ');
    throw new UsageError(`unknown model "${name}": choose ${known}`);
  }
  return model.id;
}

function parseBackground(value: string): PixelBackground {
  const v = value.trim().toLowerCase();
  if (v === 'transparent' || v === 'none') return { kind: 'transparent' };
  if (v === 'blur') return { kind: 'blur' };
  // blur:N, N the blur's radius in percent of the photo's longer side (the app's slider).
  const blur = /^blur:(\d+(?:\.\d+)?)$/.exec(v);
  if (blur && Number(blur[1]) > 0 && Number(blur[1]) <= 20) return { kind: 'blur', strength: Number(blur[1]) / 100 };
  const builtIn = builtInExportBackground(v);
  if (builtIn) return builtIn;
  const named = cssColor(v);
  if (named) return { kind: 'color', color: named };
  try {
    colorBackground(v);
  } catch {
    throw new UsageError(`--background "${value}" is not transparent, blur, blur:N, a built-in background (${BUILT_IN_BACKGROUNDS.map((b) => b.id).join(', ')}), a colour name like navy or a colour like '#ffffff'`);
  }
  return { kind: 'color', color: v.startsWith('#') ? v : `#${v}` };
}

/** The options parseArgs knows; their long names are what "did you mean" suggests. */
const OPTIONS = {
  model: { type: 'string', short: 'm' },
  format: { type: 'string', short: 'f' },
  background: { type: 'string', short: 'b' },
  size: { type: 'string', short: 's' },
  out: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  concurrency: { type: 'string', short: 'j' },
  server: { type: 'string' },
  crop: { type: 'boolean' },
  padding: { type: 'string' },
  preset: { type: 'string' },
  shadow: { type: 'boolean' },
  quality: { type: 'string', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Edit distance (insertions, deletions, substitutions, and swaps of neighbours). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known option closest to a mistyped one (`--backgroud` → `--background`), if one is close. */
export function suggestOption(typed: string, known: readonly string[] = Object.keys(OPTIONS)): string | undefined {
  const name = typed.replace(/^-+/, '').split('=')[0].toLowerCase();
  if (!name) return undefined;
  const prefixed = known.filter((k) => k.startsWith(name) || name.startsWith(`${k}-`));
  if (prefixed.length === 1 && name.length >= 2) return `--${prefixed[0]}`;
  let best: { option: string; distance: number } | undefined;
  for (const option of known) {
    const distance = editDistance(name, option);
    if (!best || distance < best.distance) best = { option, distance };
  }
  // Up to one mistake in four letters: `--modle` is a slip, `--xyz` is not an option.
  return best && best.distance <= Math.max(1, Math.floor(best.option.length / 4)) ? `--${best.option}` : undefined;
}

/** parseArgs' own message, shortened, with a suggestion for an unknown option. */
function usageFromParseError(err: unknown): UsageError {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (!unknown) return new UsageError(message);
  const suggestion = suggestOption(unknown[1]);
  return new UsageError(`unknown option '${unknown[1]}'${suggestion ? `: did you mean ${suggestion}?` : ''}`);
}

/** Reads argv (without `node` and the script) and the environment into options. */
export function parseCli(argv: string[], env: Record<string, string | undefined> = process.env): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (err) {
    // Someone asking for help gets it, whatever else is on the line.
    if (argv.some((a) => a === '--help' || a === '-h')) return { kind: 'help' };
    throw usageFromParseError(err);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length === 0) throw new UsageError('no photos given: name files, folders or globs');

  const notices: string[] = [];
  const modelId = resolveModel(values.model ?? manifest.default);
  const formatName = (values.format ?? 'png').toLowerCase();
  const format = (formatName === 'jpg' ? 'jpeg' : formatName) as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`--format "${values.format}" is not png, webp or jpeg`);
  let backgroundName = values.background ?? 'transparent';
  let background = parseBackground(backgroundName);
  // One spelling per colour (navy, #000080), so the idempotency key follows the result.
  if (background.kind === 'color') backgroundName = background.color;
  if (format === 'jpeg' && background.kind === 'transparent') {
    backgroundName = '#ffffff';
    background = { kind: 'color', color: '#ffffff' };
    notices.push(values.background
      ? 'JPEG has no transparency: using a white background instead'
      : 'JPEG has no transparency: using a white background (choose another with --background)');
  }
  const size = (values.size ?? 'standard').toLowerCase();
  if (size !== 'standard' && size !== 'full') throw new UsageError(`--size "${values.size}" is not standard or full`);
  const concurrency = values.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
    throw new UsageError(`--concurrency "${values.concurrency}" is not a whole number from 1 to 16`);
  }
  const server = (values.server ?? env.CLEARCUT_SERVER ?? DEFAULT_SERVER).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(server)) throw new UsageError(`--server "${server}" is not an http(s) URL`);
  const apiKey = env.CLEARCUT_API_KEY?.trim() || undefined;
  const padding = values.padding === undefined ? 10 : Number(values.padding);
  if (!Number.isFinite(padding) || padding < 0 || padding > 100) throw new UsageError(`--padding "${values.padding}" is not a percentage from 0 to 100`);
  let preset;
  try {
    preset = parsePreset(values.preset ?? 'original');
  } catch (err) {
    throw new UsageError(`--preset ${(err as Error).message}`);
  }
  const quality = values.quality === undefined ? (takesQuality(format) ? DEFAULT_QUALITY[format] : QUALITY_RANGE.max) : Number(values.quality);
  if (!isQuality(quality)) throw new UsageError(`--quality "${values.quality}" is not a whole number from ${QUALITY_RANGE.min} to ${QUALITY_RANGE.max}`);
  if (values.quality !== undefined && format === 'png') notices.push('--quality is for webp and jpeg; PNG is lossless');
  return {
    kind: 'run',
    notices,
    options: {
      inputs: positionals,
      modelId,
      format,
      backgroundName: backgroundName.toLowerCase(),
      background,
      size,
      out: values.out,
      force: values.force ?? false,
      concurrency,
      server,
      apiKey,
      layout: { frame: { crop: values.crop ?? false, padding: padding / 100, preset }, shadow: values.shadow ?? false },
      quality,
    },
  };
}

/** The --help text. */
export function helpText(version: string): string {
  const models = manifest.models
    .map((m) => `${m.label.toLowerCase()} = ${m.id}${m.id === manifest.default ? ', the default' : ''}`)
    .join('; ');
  return `clearcut ${version}: remove the background from photos, on this computer.

Examples:
  clearcut photo.jpg                     photo-cutout.png beside it, transparent
  clearcut -b white -f jpeg shoot/       every photo in shoot/ on white, as JPEG
  clearcut 'shoot/**/*.jpg' -o cutouts   a glob, results into cutouts/
  clearcut --size full photo.jpg         photo-cutout-full.png, at the photo's own size
                                         (1 credit when over 1 MP)
  clearcut --preset 1:1 --shadow -b studio shoot/
                                         square product shots, subject centred, soft shadow

Usage: clearcut [options] <files|folders|globs...>

  Folders are searched, subfolders too, for ${IMAGE_EXTENSIONS.join(' ')} files
  (hidden files and earlier results named *-cutout.* are left out). Quote globs
  such as 'shoot/**/*.jpg' to let clearcut expand them.

Options:
  -m, --model NAME        standard, quality or fast, or a model id
                          (${models})
  -f, --format FORMAT     png (default), webp or jpeg
  -b, --background BG     transparent (default); blur, or blur:N for a blur of N% of the
                          photo's longer side (default 2); a built-in background
                          (${BUILT_IN_BACKGROUNDS.map((b) => b.id).join(', ')}); a CSS colour name
                          (navy, rebeccapurple...) or a colour like '#ffffff'; jpeg has no
                          transparency and gets white unless told otherwise
      --crop              crop to the subject, with --padding around it
      --padding PCT       space around the subject, in percent of its longer side
                          (default 10), for --crop and --preset
      --preset P          the picture's shape, the subject centred in it: original
                          (default), 1:1, 4:5, 16:9, or a size like 1080x1350
      --shadow            a soft drop shadow under the subject
  -q, --quality N         webp and jpeg quality, ${QUALITY_RANGE.min} to ${QUALITY_RANGE.max} (default ${DEFAULT_QUALITY.webp} and ${DEFAULT_QUALITY.jpeg});
                          lower makes smaller files
  -s, --size SIZE         standard (default): fits within 1 megapixel, free;
                          full: the photo's own size, 1 credit per photo larger than
                          1 megapixel (needs CLEARCUT_API_KEY)
  -o, --out DIR           write results into DIR (subfolders of a folder argument are
                          kept); by default each result goes next to its photo
      --force             overwrite results that exist (without it they are skipped);
                          a photo given as input is never overwritten
  -j, --concurrency N     photos in flight at once (default ${DEFAULT_CONCURRENCY}): reading, decoding and
                          encoding (on sharp's own threads) overlap with the model, which
                          runs one photo at a time on one session: it already uses every
                          core, and a second session would double the memory
      --server URL        the clearcut server that keeps your credits
                          (default $CLEARCUT_SERVER or ${DEFAULT_SERVER})
  -h, --help              this help
  -V, --version           the version

Output: photo.jpg gives photo-cutout.png (or .webp, .jpg); --size full gives
photo-cutout-full.png, so the two sizes never overwrite each other.

Privacy: photos are never uploaded. They are cut out here with the same model as the
web app. Full size sends the server one request per charged photo with its width,
height and an idempotency key derived from the photo's hash, the options and your API
key (an HMAC, so the server's ledger cannot be matched to a known photo's hash);
never any image bytes.

Credits: a full-size result larger than 1 megapixel spends one credit, before the model
runs. Running the same photo again with the same options and API key is not charged
again, so an interrupted batch can simply be rerun. Without CLEARCUT_API_KEY those
photos fail and the others are still cut out; with too few credits they fail with
your balance. Create a key on your account page.

Exit code: 0 when every photo was cut out (or skipped), 1 when any failed, 2 for a
mistake in the command line.
`;
}
