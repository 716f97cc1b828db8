import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { timingCases } from '../../../../scripts/lib/enlarged-photo.ts';
import { fixturesDir, PHOTOS, rotatedWithExif } from '../../../fixtures/photos.ts';

const file = (name: keyof typeof PHOTOS) => join(fixturesDir, PHOTOS[name].file);
const shape = (c: { name: string; megapixels: number; image: { width: number; height: number; data: ArrayLike<number> } }) =>
  [c.name, c.megapixels, c.image.width, c.image.height, c.image.data.length];

describe('timingCases', () => {
  const dir = mkdtempSync(join(tmpdir(), 'timing-cases-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each photo at its own size, in RGBA, and no enlarged one for 0 megapixels', async () => {
    const cases = await timingCases([file('coffee'), file('chelsea')], 0);
    expect(cases.map(shape)).toEqual([
      ['coffee.jpg', 0, 600, 400, 600 * 400 * 4],
      ['chelsea.png', 0, 451, 300, 451 * 300 * 4],
    ]);
  });

  it('adds the first photo enlarged to the megapixels asked, its shape kept', async () => {
    const cases = await timingCases([file('astronaut'), file('coffee')], 1);
    expect(cases.map(shape)).toEqual([
      ['astronaut.jpg', 0, 512, 512, 512 * 512 * 4],
      ['coffee.jpg', 0, 600, 400, 600 * 400 * 4],
      ['astronaut.jpg at 1 MP', 1, 1000, 1000, 1000 * 1000 * 4],
    ]);
    expect(cases[2].file).toBe(file('astronaut'));
  });

  it('decodes a phone photo upright (its EXIF orientation applied), enlarged or not', async () => {
    const rotated = join(dir, 'upright.jpg');
    writeFileSync(rotated, await rotatedWithExif('rocket'));
    const cases = await timingCases([rotated], 0.5);
    expect(cases.map((c) => [c.image.width, c.image.height])).toEqual([[640, 427], [866, 578]]);
  });
});
