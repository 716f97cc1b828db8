/**
 * From the command line's arguments to a plan: which photos to cut out and where each
 * result goes. Files are taken as named; folders are walked; globs are expanded with
 * tinyglobby. Problems with one argument (missing, matches nothing) are reported as
 * failures of that argument, and the rest still run.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { IMAGE_EXTENSIONS, isImageFileName } from '../../common/image-files.ts';
import { cutoutFileName } from '../../common/naming.ts';
import type { ExportSize } from '../../common/export-size.ts';
import type { OutputFormat } from '../../common/output-format.ts';

/** One photo to cut out and where its result goes. */
export interface PlannedFile {
  /** As the user would recognise it: relative to the working folder when inside it. */
  label: string;
  path: string;
  output: string;
  /** Set when the photo must not be processed (its output clashes with another). */
  problem?: string;
}

/** An argument that gave no photos, with the reason. */
export interface ArgumentProblem {
  label: string;
  problem: string;
}

export interface Plan {
  files: PlannedFile[];
  problems: ArgumentProblem[];
  /** How many files named like earlier results (`*-cutout.*`) the walks and globs left out. */
  earlierResults: number;
}

/** A result of an earlier run, by its name; walks and globs leave these out. */
const looksLikeResult = (name: string) => /-cutout(?:-full)?(?:-\d+)?\.(png|webp|jpe?g)$/i.test(name);

/** A path for messages: relative to `cwd` when inside it, absolute otherwise. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Every image file under `dir`, subfolders included, hidden entries and `skipDir` excluded; sorted. */
function walk(dir: string, skipDir: string | undefined, found: string[], counts: { earlierResults: number }): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    // Symlinked folders are not followed (no cycles); symlinked files are read.
    if (entry.isDirectory()) {
      if (path !== skipDir) walk(path, skipDir, found, counts);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && isImageFileName(entry.name)) {
      if (looksLikeResult(entry.name)) counts.earlierResults++;
      else found.push(path);
    }
  }
}

/** The folder a glob's matches are relative to: the part before its first wildcard. */
function globBase(pattern: string): string {
  const parts = pattern.split(/[\\/]/);
  const fixed: string[] = [];
  for (const part of parts) {
    if (isDynamicPattern(part)) break;
    fixed.push(part);
  }
  return fixed.length === parts.length ? dirname(pattern) : fixed.join('/') || '.';
}

/**
 * Expands the arguments and decides each output path. With `outDir`, a photo found in a
 * folder argument keeps its place below that folder (`shoot/a/x.jpg` with `--out cut`
 * gives `cut/a/x-cutout.png`), as does a glob's match below the glob's fixed part; named
 * files go straight into `outDir`. Without it, results go next to their photos. A photo
 * named twice is cut out once; two photos that would write the same result are both
 * refused rather than one silently replacing the other.
 */
export function planInputs(args: string[], options: { cwd: string; outDir?: string; format: OutputFormat; size?: ExportSize }): Plan {
  const { cwd, format, size = 'standard' } = options;
  const outDir = options.outDir === undefined ? undefined : resolve(cwd, options.outDir);
  const problems: ArgumentProblem[] = [];
  const counts = { earlierResults: 0 };
  const found: { path: string; base?: string }[] = [];

  for (const arg of args) {
    const abs = resolve(cwd, arg);
    if (existsSync(abs)) {
      if (statSync(abs).isDirectory()) {
        const files: string[] = [];
        walk(abs, outDir, files, counts);
        if (files.length === 0) problems.push({ label: arg, problem: `no images in this folder (${IMAGE_EXTENSIONS.join(' ')})` });
        for (const path of files) found.push({ path, base: abs });
      } else {
        found.push({ path: abs });
      }
    } else if (isDynamicPattern(arg)) {
      const base = resolve(cwd, globBase(arg));
      const matches = globSync(arg, { cwd, absolute: true, onlyFiles: true, dot: false, expandDirectories: false })
        .map((p) => resolve(p))
        .filter((p) => isImageFileName(p) && !(outDir && p.startsWith(outDir + sep)));
      const photos = matches.filter((p) => !looksLikeResult(basename(p))).sort();
      counts.earlierResults += matches.length - photos.length;
      if (photos.length === 0) problems.push({ label: arg, problem: 'no images match this pattern' });
      for (const path of photos) found.push({ path, base });
    } else {
      problems.push({ label: arg, problem: 'no such file or folder' });
    }
  }

  const seen = new Set<string>();
  const files: PlannedFile[] = [];
  for (const { path, base } of found) {
    if (seen.has(path)) continue;
    seen.add(path);
    const name = cutoutFileName(basename(path), format, size);
    const folder = outDir === undefined ? dirname(path) : base ? join(outDir, relative(base, dirname(path))) : outDir;
    files.push({ label: displayPath(path, cwd), path, output: join(folder, name) });
  }

  const inputs = new Set(files.map((f) => f.path));
  const byOutput = new Map<string, PlannedFile[]>();
  for (const file of files) byOutput.set(file.output, [...(byOutput.get(file.output) ?? []), file]);
  for (const [output, clash] of byOutput) {
    const shown = displayPath(output, cwd);
    if (inputs.has(output)) {
      for (const file of clash) file.problem = `its result ${shown} is one of the photos given; a photo is never overwritten`;
    } else if (clash.length > 1) {
      for (const file of clash) {
        const others = clash.filter((f) => f !== file).map((f) => f.label).join(', ');
        file.problem = `its result ${shown} would also be the result of ${others}; use --out or rename one`;
      }
    }
  }
  return { files, problems, earlierResults: counts.earlierResults };
}
