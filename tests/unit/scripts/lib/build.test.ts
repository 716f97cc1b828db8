/** The build's extras: the stamp that lets `npm start` skip an up-to-date build, and the precompressed files. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { readBuildStamp, sourceStamp } from '../../../../scripts/lib/build-stamp.ts';
import { precompressDir } from '../../../../scripts/lib/precompress.ts';
import { distDir } from '../../../../scripts/lib/paths.ts';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clearcut-build-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A repository with the files the build reads. */
function fakeRepo(): string {
  const root = tempDir();
  mkdirSync(join(root, 'web', 'src'), { recursive: true });
  writeFileSync(join(root, 'web', 'src', 'main.ts'), 'console.log(1);');
  writeFileSync(join(root, 'vite.config.ts'), 'export default {};');
  writeFileSync(join(root, 'package-lock.json'), '{}');
  return root;
}

describe('the build stamp', () => {
  it('stays the same for the same sources and changes with any source byte, a new file or a VITE_ variable', () => {
    const root = fakeRepo();
    const first = sourceStamp(root, {});
    expect(sourceStamp(root, { PATH: '/elsewhere' })).toBe(first);
    writeFileSync(join(root, 'web', 'src', 'main.ts'), 'console.log(2);');
    const edited = sourceStamp(root, {});
    expect(edited).not.toBe(first);
    writeFileSync(join(root, 'web', 'src', 'extra.ts'), '');
    const added = sourceStamp(root, {});
    expect(added).not.toBe(edited);
    expect(sourceStamp(root, { VITE_ORT_BUILD: 'default' })).not.toBe(added);
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    expect(sourceStamp(root, {})).not.toBe(added);
  });

  it('is read back from a build folder, and is null where nothing was built', () => {
    const dist = tempDir();
    expect(readBuildStamp(dist)).toBeNull();
    writeFileSync(join(dist, '.build-stamp'), 'abc123\n');
    expect(readBuildStamp(dist)).toBe('abc123');
  });

  it('is left by the real build (compared with the sources by npm start, which may be newer here)', () => {
    expect(readBuildStamp(distDir)).toMatch(/^[\da-f]{64}$/);
  });
});

describe('precompression', () => {
  it('writes .br and .gz that decompress to the file, for JS, CSS and .wasm, and leaves images and tiny files alone', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'assets'));
    const js = Buffer.from('export const x = "clearcut";\n'.repeat(200));
    const wasm = Buffer.concat([Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]), Buffer.alloc(4096, 7)]);
    writeFileSync(join(dir, 'assets', 'a.js'), js);
    writeFileSync(join(dir, 'assets', 'b.css'), 'body { margin: 0 }\n'.repeat(100));
    writeFileSync(join(dir, 'assets', 'c.wasm'), wasm);
    writeFileSync(join(dir, 'photo.png'), Buffer.alloc(4096, 1));
    writeFileSync(join(dir, 'tiny.js'), 'x');
    expect(await precompressDir(dir)).toBe(3);
    expect(brotliDecompressSync(readFileSync(join(dir, 'assets', 'a.js.br'))).equals(js)).toBe(true);
    expect(gunzipSync(readFileSync(join(dir, 'assets', 'c.wasm.gz'))).equals(wasm)).toBe(true);
    expect(readdirSync(join(dir, 'assets')).sort()).toEqual(['a.js', 'a.js.br', 'a.js.gz', 'b.css', 'b.css.br', 'b.css.gz', 'c.wasm', 'c.wasm.br', 'c.wasm.gz']);
    expect(readdirSync(dir).sort()).toEqual(['assets', 'photo.png', 'tiny.js']);
  });

  it("has compressed onnxruntime's .wasm in the real build to under a third of its size", () => {
    const assets = join(distDir, 'assets');
    const wasm = readdirSync(assets).filter((f) => /^ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(f));
    expect(wasm).toHaveLength(1);
    const size = readFileSync(join(assets, wasm[0])).length;
    expect(readFileSync(join(assets, `${wasm[0]}.br`)).length).toBeLessThan(size / 3);
    expect(readFileSync(join(assets, `${wasm[0]}.gz`)).length).toBeLessThan(size / 3);
  });
});
