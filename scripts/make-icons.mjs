// Draws the Candlewatch icon (two candlesticks) and writes every file packaging and the tray need:
// assets/icon.svg, assets/icon.png, assets/icons/NxN.png (Linux), assets/icon.ico (Windows),
// assets/icon.icns (macOS), assets/tray/*.png. Pure Node (zlib only), so it runs anywhere:
//   node_modules/.bin/node scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const OUT = 'assets';
const GRID = 512; // shapes are drawn on a 512-unit square, scaled to each size

/** Rounded rectangles on the grid: [x, y, width, height, radius, rgba]. Painted in order. */
const BACKGROUND = [[24, 24, 464, 464, 104, [20, 27, 38, 255]]];
const candles = (red, green) => [
  [168, 112, 16, 264, 8, red], // wick of the falling candle
  [128, 168, 96, 152, 14, red],
  [328, 80, 16, 352, 8, green], // wick of the rising candle
  [288, 140, 96, 236, 14, green],
];
const COLOURED = candles([239, 83, 80, 255], [38, 166, 154, 255]);
const TEMPLATE = candles([0, 0, 0, 255], [0, 0, 0, 255]); // macOS menu bar: black + alpha only

const SAMPLES = 4; // 4×4 subpixels per pixel for smooth edges

function insideRoundedRect(px, py, [x, y, w, h, r]) {
  if (px < x || py < y || px > x + w || py > y + h) return false;
  const cx = Math.min(Math.max(px, x + r), x + w - r);
  const cy = Math.min(Math.max(py, y + r), y + h - r);
  return (px - cx) ** 2 + (py - cy) ** 2 <= r * r;
}

/** RGBA pixels of `shapes` at size×size, composited "over" a transparent canvas. */
function rasterize(shapes, size) {
  const pixels = new Float64Array(size * size * 4);
  const scale = GRID / size;
  for (const shape of shapes) {
    const [sr, sg, sb, sa] = shape[5];
    const x0 = Math.max(0, Math.floor(shape[0] / scale));
    const y0 = Math.max(0, Math.floor(shape[1] / scale));
    const x1 = Math.min(size, Math.ceil((shape[0] + shape[2]) / scale) + 1);
    const y1 = Math.min(size, Math.ceil((shape[1] + shape[3]) / scale) + 1);
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        let hits = 0;
        for (let sy = 0; sy < SAMPLES; sy++)
          for (let sx = 0; sx < SAMPLES; sx++)
            if (
              insideRoundedRect(
                (px + (sx + 0.5) / SAMPLES) * scale,
                (py + (sy + 0.5) / SAMPLES) * scale,
                shape,
              )
            )
              hits++;
        if (hits === 0) continue;
        const a = (hits / SAMPLES ** 2) * (sa / 255);
        const i = (py * size + px) * 4;
        const da = pixels[i + 3];
        const outA = a + da * (1 - a);
        for (const [k, c] of [
          [0, sr],
          [1, sg],
          [2, sb],
        ])
          pixels[i + k] = (c * a + pixels[i + k] * da * (1 - a)) / outA;
        pixels[i + 3] = outA;
      }
    }
  }
  const bytes = Buffer.alloc(size * size * 4);
  for (let i = 0; i < pixels.length; i += 4) {
    bytes[i] = Math.round(pixels[i]);
    bytes[i + 1] = Math.round(pixels[i + 1]);
    bytes[i + 2] = Math.round(pixels[i + 2]);
    bytes[i + 3] = Math.round(pixels[i + 3] * 255);
  }
  return bytes;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(shapes, size) {
  const rgba = rasterize(shapes, size);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** ICO with PNG-compressed entries (Windows Vista and later read those at every size). */
function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

/** ICNS with PNG entries; the type codes name the pixel size (and @2x variants). */
function icns(entries) {
  const parts = entries.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

function svg(shapes) {
  const rgb = ([r, g, b]) => `rgb(${r},${g},${b})`;
  const rects = shapes
    .map(
      ([x, y, w, h, r, c]) =>
        `  <rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${r}" fill="${rgb(c)}"/>`,
    )
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${GRID} ${GRID}" width="${GRID}" height="${GRID}">\n${rects}\n</svg>\n`;
}

const icon = [...BACKGROUND, ...COLOURED];
const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const pngs = new Map(sizes.map((size) => [size, png(icon, size)]));

mkdirSync(join(OUT, 'icons'), { recursive: true });
mkdirSync(join(OUT, 'tray'), { recursive: true });
writeFileSync(join(OUT, 'icon.svg'), svg(icon));
writeFileSync(join(OUT, 'icon.png'), pngs.get(512));
for (const size of sizes.filter((s) => s <= 512))
  writeFileSync(join(OUT, 'icons', `${size}x${size}.png`), pngs.get(size));
writeFileSync(
  join(OUT, 'icon.ico'),
  ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: pngs.get(size) }))),
);
writeFileSync(
  join(OUT, 'icon.icns'),
  icns([
    { type: 'icp4', data: pngs.get(16) },
    { type: 'icp5', data: pngs.get(32) },
    { type: 'icp6', data: pngs.get(64) },
    { type: 'ic07', data: pngs.get(128) },
    { type: 'ic08', data: pngs.get(256) },
    { type: 'ic09', data: pngs.get(512) },
    { type: 'ic10', data: pngs.get(1024) },
    { type: 'ic11', data: pngs.get(32) },
    { type: 'ic12', data: pngs.get(64) },
    { type: 'ic13', data: pngs.get(256) },
    { type: 'ic14', data: pngs.get(512) },
  ]),
);
writeFileSync(join(OUT, 'tray', 'tray-32.png'), png(COLOURED, 32));
writeFileSync(join(OUT, 'tray', 'tray-template-16.png'), png(TEMPLATE, 16));
writeFileSync(join(OUT, 'tray', 'tray-template-32.png'), png(TEMPLATE, 32));
console.log('wrote assets/icon.{svg,png,ico,icns}, assets/icons/*.png, assets/tray/*.png');
