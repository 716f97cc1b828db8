import { describe, expect, it } from 'vitest';
import { IMAGE_EXTENSIONS, isImageFileName } from '../../../common/image-files.ts';

describe('isImageFileName', () => {
  it('takes every format the decode stage reads, in any case, by name or by path', () => {
    for (const name of ['a.jpg', 'a.JPEG', 'scan.jfif', 'a.png', 'a.webp', 'a.avif', 'a.gif', 'old.BMP', 'shoot/day 1/IMG_1.JPG', 'C:\\photos\\cat.png']) {
      expect(isImageFileName(name), name).toBe(true);
    }
  });

  it('leaves out other files, names without an extension, and a folder that only looks like an image', () => {
    for (const name of ['notes.txt', '.DS_Store', 'photo', '.jpg', 'archive.jpg.zip', 'album.jpg/readme', 'album.jpg\\readme', 'photo.heic']) {
      expect(isImageFileName(name), name).toBe(false);
    }
  });

  it('lists each extension once, lower case, with its dot', () => {
    expect(new Set(IMAGE_EXTENSIONS).size).toBe(IMAGE_EXTENSIONS.length);
    for (const ext of IMAGE_EXTENSIONS) expect(ext).toMatch(/^\.[a-z]+$/);
  });
});
