import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { uniqueNames, zipEntries } from '../../../web/src/workbench/zip.ts';

describe('zipEntries', () => {
  it('stores each file as produced, one at a time, under a unique name, and reports progress', async () => {
    const files = [
      { name: 'cat-cutout.png', bytes: new Uint8Array([1, 2, 3]) },
      { name: 'dog-cutout.png', bytes: new Uint8Array(70_000).fill(7) },
      { name: 'cat-cutout.png', bytes: new Uint8Array([9]) },
    ];
    const asked: number[] = [];
    const progress: number[] = [];
    const blob = await zipEntries(
      files.length,
      async (i) => {
        asked.push(i);
        return { name: files[i].name, blob: new Blob([files[i].bytes]) };
      },
      (n) => progress.push(n),
    );
    expect(blob.type).toBe('application/zip');
    expect(asked).toEqual([0, 1, 2]);
    expect(progress).toEqual([1, 2, 3]);
    const unzipped = unzipSync(new Uint8Array(await blob.arrayBuffer()));
    expect(Object.keys(unzipped)).toEqual(['cat-cutout.png', 'dog-cutout.png', 'cat-cutout (2).png']);
    expect([...unzipped['cat-cutout.png']]).toEqual([1, 2, 3]);
    expect(unzipped['dog-cutout.png']).toEqual(files[1].bytes);
    expect([...unzipped['cat-cutout (2).png']]).toEqual([9]);
  });

  it('gives an empty archive for no files, and passes on a file that cannot be made', async () => {
    expect(Object.keys(unzipSync(new Uint8Array(await (await zipEntries(0, async () => { throw new Error('unused'); })).arrayBuffer())))).toEqual([]);
    await expect(zipEntries(1, async () => { throw new Error('export failed'); })).rejects.toThrow('export failed');
  });
});

describe('uniqueNames', () => {
  it('numbers repeats within one ZIP, ignoring case, and leaves unique names alone', () => {
    expect(uniqueNames(['a.png', 'b.png', 'A.png', 'a.png', 'noext', 'noext'])).toEqual(['a.png', 'b.png', 'A (2).png', 'a (3).png', 'noext', 'noext (2)']);
  });
});
