/**
 * What the user has changed about one finished cutout: the touched-up matte (with its
 * undo history), the background, the format and its quality, the size and the layout
 * (crop, shape, padding, shadow). Kept per job, apart from the job itself, and read by exportJob.
 */
import type { ExportBackground, ExportLayout } from '../cutout/export.ts';
import { frameExportDimensions, frameFor, NO_FRAME, subjectBounds, type Frame } from '../cutout/frame.ts';
import type { ExportDimensions } from '../../../common/export-size.ts';
import type { OutputFormat } from '../../../common/output-format.ts';
import type { AlphaMatte } from '../cutout/image.ts';
import { replaceAlpha, Stroke, type AlphaPatch, type BrushMode, type Rect } from './brush.ts';
import type { ExportSize } from '../../../common/export-size.ts';
import type { Job } from './jobs.svelte.ts';
import { UndoStack } from './undo.ts';

export const TRANSPARENT_BACKGROUND: ExportBackground = { kind: 'transparent' };

/** The photo's own frame and no shadow (export.ts's PLAIN_LAYOUT, without importing the export code into the page). */
export const PLAIN_LAYOUT: ExportLayout = { frame: NO_FRAME, shadow: false };

/** True when a layout changes the picture's frame (a crop or a shape), so it depends on where the subject is. */
export const isFramed = (layout: ExportLayout) => layout.frame.crop || layout.frame.preset !== 'original';

export class JobEdits {
  readonly job: Job;
  format = $state<OutputFormat>('png');
  /** The WebP and JPEG encoder's quality, 1 to 100, once chosen; each format's default until then. */
  quality = $state<number | undefined>();
  size = $state<ExportSize>('standard');
  background = $state.raw<ExportBackground>(TRANSPARENT_BACKGROUND);
  /** Crop to the subject, the picture's shape, the space around the subject, and a drop shadow. */
  layout = $state.raw<ExportLayout>(PLAIN_LAYOUT);
  /** Why a choice changed another one (JPEG and transparency), for a polite announcement. */
  notice = $state<string | undefined>();
  /** Bumped whenever the matte changes. */
  version = $state(0);
  canUndo = $state(false);
  canRedo = $state(false);
  /** True once the matte has been touched (until reset). */
  touched = $state(false);
  readonly history = new UndoStack<AlphaPatch>();
  #alpha?: AlphaMatte;
  /** The subject's bounds in the matte of one version (a scan of the whole matte: made once a version). */
  #subject?: { version: number; bounds: ReturnType<typeof subjectBounds> };

  constructor(job: Job) {
    this.job = job;
  }

  #result() {
    const r = this.job.result;
    if (!r) throw new Error(`${this.job.name} has no cutout yet`);
    return r;
  }

  /** True when an export differs from the model's plain PNG: touched up, or another background, format or size. */
  get changed(): boolean {
    return this.touched || this.format !== 'png' || this.size !== 'standard' || this.background.kind !== 'transparent' || this.layout !== PLAIN_LAYOUT;
  }

  /** The exported picture's frame with the current layout and matte (reactive: layout and version). */
  get frame(): Frame {
    const { width, height } = this.#result();
    const layout = this.layout;
    if (!isFramed(layout)) return frameFor(width, height, null, layout.frame);
    const version = this.version;
    if (this.#subject?.version !== version) this.#subject = { version, bounds: subjectBounds({ width, height, data: this.currentAlpha }) };
    return frameFor(width, height, this.#subject.bounds, layout.frame);
  }

  /** The exported file's size at `size` with the current layout, and whether it is free. */
  exportDimensions(size: ExportSize): ExportDimensions {
    return frameExportDimensions(this.frame, size);
  }

  /** The matte being edited: a copy of the model's, made on first use. */
  get alpha(): AlphaMatte {
    const r = this.#result();
    this.#alpha ??= { width: r.width, height: r.height, data: r.alpha.slice() };
    return this.#alpha;
  }

  /** The matte to export: the edited one, or the model's when untouched. */
  get currentAlpha(): Uint8Array {
    return this.#alpha?.data ?? this.#result().alpha;
  }

  /** Starts a brush stroke on the edited matte. */
  beginStroke(mode: BrushMode, softness: number): Stroke {
    return new Stroke(this.alpha, mode, softness);
  }

  /** Records a finished stroke (or any patch) for undo. */
  commit(patch: AlphaPatch | null): void {
    if (!patch) return;
    this.history.push(patch);
    this.touched = true;
    this.#changed();
  }

  /** Undoes the last edit; returns the area to redraw. */
  undo(): Rect | null {
    return this.#step(() => this.history.undo());
  }

  /** Redoes the last undone edit; returns the area to redraw. */
  redo(): Rect | null {
    return this.#step(() => this.history.redo());
  }

  #step(move: () => AlphaPatch | undefined): Rect | null {
    const patch = move();
    if (!patch) return null;
    this.touched = true;
    this.#changed();
    return patch.bounds;
  }

  /** Back to the model's matte, as one undoable step; returns the area to redraw. */
  reset(): Rect | null {
    const patch = replaceAlpha(this.alpha, this.#result().alpha);
    if (!patch) return null;
    this.history.push(patch);
    this.touched = false;
    this.#changed();
    return patch.bounds;
  }

  #changed(): void {
    this.canUndo = this.history.canUndo;
    this.canRedo = this.history.canRedo;
    this.version++;
  }

  /** Chooses the format; JPEG cannot be transparent, so it brings a white background. */
  setFormat(format: OutputFormat): void {
    this.format = format;
    this.notice = undefined;
    if (format === 'jpeg' && this.background.kind === 'transparent') {
      this.background = { kind: 'color', color: '#ffffff' };
      this.notice = 'JPEG cannot keep transparency, so the background is now white.';
    }
  }

  /** Chooses the background; transparency needs PNG or WebP, so JPEG becomes PNG. */
  setBackground(background: ExportBackground): void {
    this.background = background;
    this.notice = undefined;
    if (background.kind === 'transparent' && this.format === 'jpeg') {
      this.format = 'png';
      this.notice = 'JPEG cannot keep transparency, so the format is now PNG.';
    }
  }
}

const edits = new WeakMap<Job, JobEdits>();
/** Counts created edits, so `existingEdits` is reactive although a WeakMap is not. */
let created = $state(0);

/** The edits of a job, created when first asked for. */
export function editsFor(job: Job): JobEdits {
  let e = edits.get(job);
  if (!e) {
    edits.set(job, (e = new JobEdits(job)));
    created++;
  }
  return e;
}

/** The edits of a job if it has any (reactive: rerenders when they are created). */
export function existingEdits(job: Job): JobEdits | undefined {
  void created;
  return edits.get(job);
}
