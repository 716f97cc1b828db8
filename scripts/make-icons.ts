/**
 * Renders the PWA icons in web/public from one drawing: icon.svg (the favicon and the
 * header logo), icon-192.png and icon-512.png ("any" purpose), and icon-maskable-512.png,
 * whose glyph sits inside the central 80% circle that a maskable icon must keep clear
 * (https://web.dev/articles/maskable-icon). The PNGs are committed; run this after
 * changing the drawing:
 *
 *   tsx scripts/make-icons.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { rootDir } from './lib/paths.ts';

const publicDir = join(rootDir, 'web', 'public');
const accent = '#1d4ed8';

/** A head and shoulders in white, with a dashed cut line around them, on a 64×64 grid. */
const glyph = `
  <g fill="#fff">
    <circle cx="32" cy="23" r="9"/>
    <path d="M15 52c0-10.5 7.6-17 17-17s17 6.5 17 17z"/>
  </g>
  <path d="M32 9.5c7.5 0 13.5 6 13.5 13.5 0 3.4-1.2 6.4-3.3 8.8 6.6 3.3 10.8 10 10.8 20.2" fill="none" stroke="#fff" stroke-opacity=".7" stroke-width="2" stroke-dasharray="3 3" stroke-linecap="round"/>`;

/** The "any" icon: a rounded square, transparent outside its corners. */
export const iconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="${accent}"/>${glyph}</svg>\n`;

/** The maskable icon: full bleed, the glyph scaled to 70% about the centre so it stays inside the safe zone. */
export const maskableSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${accent}"/><g transform="translate(32 32) scale(.7) translate(-32 -31)">${glyph}</g></svg>\n`;

async function render(svg: string, size: number, file: string): Promise<void> {
  await sharp(Buffer.from(svg), { density: (72 * size) / 64 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toFile(join(publicDir, file));
  console.log(`wrote web/public/${file}`);
}

writeFileSync(join(publicDir, 'icon.svg'), iconSvg);
await render(iconSvg, 192, 'icon-192.png');
await render(iconSvg, 512, 'icon-512.png');
await render(maskableSvg, 512, 'icon-maskable-512.png');
