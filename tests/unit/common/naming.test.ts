import { describe, expect, it } from 'vitest';
import { cutoutFileName } from '../../../common/naming.ts';

describe('cutoutFileName', () => {
  it('follows the photo: photo.jpg gives photo-cutout.png, .webp or .jpg', () => {
    expect(cutoutFileName('photo.jpg')).toBe('photo-cutout.png');
    expect(cutoutFileName('photo.jpg', 'webp')).toBe('photo-cutout.webp');
    expect(cutoutFileName('photo.png', 'jpeg')).toBe('photo-cutout.jpg');
  });

  it('names the full-size file apart from the standard one: photo-cutout-full.png', () => {
    expect(cutoutFileName('photo.jpg', 'png', 'full')).toBe('photo-cutout-full.png');
    expect(cutoutFileName('photo.jpg', 'webp', 'standard')).toBe('photo-cutout.webp');
    expect(cutoutFileName('photo.jpg', 'jpeg', 'full')).not.toBe(cutoutFileName('photo.jpg', 'jpeg', 'standard'));
  });

  it('keeps only the last extension and no folder, and names a nameless photo', () => {
    expect(cutoutFileName('holiday.2024.heic.png')).toBe('holiday.2024.heic-cutout.png');
    expect(cutoutFileName('shoot/day 1/IMG_0001.JPG')).toBe('IMG_0001-cutout.png');
    expect(cutoutFileName('C:\\photos\\cat.bmp')).toBe('cat-cutout.png');
    expect(cutoutFileName('.png')).toBe('photo-cutout.png');
    expect(cutoutFileName('README')).toBe('README-cutout.png');
  });
});
