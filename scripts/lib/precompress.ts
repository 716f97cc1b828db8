/**
 * Precompression at build time: a `.br` and a `.gz` beside each JS, CSS, .wasm and other
 * text file of the build, so the server sends compressed bytes without compressing per request.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** File kinds worth compressing (images and fonts are compressed already). */
export const compressible = /\.(js|mjs|css|wasm|html|json|webmanifest|svg|txt)$/;

/** Smaller files are not worth it: the headers outweigh the saving. */
const minBytes = 1024;

/**
 * Brotli's best quality (11) on onnxruntime's 14 MB .wasm takes minutes for 12% less than
 * quality 9 does in seconds; large files get 9.
 */
function brotliQuality(size: number): number {
  return size > 1024 * 1024 ? 9 : 11;
}

function listCompressible(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path);
    if (info.isDirectory()) out.push(...listCompressible(path));
    else if (compressible.test(name) && info.size >= minBytes) out.push(path);
  }
  return out;
}

/** Writes FILE.br and FILE.gz for every compressible file under dir; returns how many files. */
export async function precompressDir(dir: string): Promise<number> {
  const files = listCompressible(dir);
  await Promise.all(
    files.map(async (path) => {
      const bytes = readFileSync(path);
      const [br, gzipped] = await Promise.all([
        brotli(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: brotliQuality(bytes.length),
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        }),
        gz(bytes, { level: 9 }),
      ]);
      // A variant that is not smaller is useless; the server then sends the file itself.
      if (br.length < bytes.length) writeFileSync(`${path}.br`, br);
      if (gzipped.length < bytes.length) writeFileSync(`${path}.gz`, gzipped);
    }),
  );
  return files.length;
}
