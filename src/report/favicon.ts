import zlib from 'node:zlib';
import { RISK_COLOURS } from './report-i18n';

/** Where the pages link their icon (SVG); `/favicon.ico` serves the same drawing for browsers that ask for it. */
export const FAVICON_PATH = '/favicon.svg';

/** The icon's drawing on a 32×32 grid: a green rounded square with three rising white bars (a score that holds up). */
const SIZE = 32;
const RADIUS = 7;
const BARS = [
  { x: 7, width: 5, top: 17 },
  { x: 14, width: 5, top: 12 },
  { x: 21, width: 5, top: 7 },
];
const BASELINE = 25;

/** The icon as SVG. */
export function faviconSvg(): Buffer {
  const bars = BARS.map((b) => `<rect x="${b.x}" y="${b.top}" width="${b.width}" height="${BASELINE - b.top}" rx="1" fill="#ffffff"/>`).join('');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SIZE} ${SIZE}" width="${SIZE}" height="${SIZE}"><rect width="${SIZE}" height="${SIZE}" rx="${RADIUS}" fill="${RISK_COLOURS.LOW.main}"/>${bars}</svg>`,
    'utf8',
  );
}

/** Whether pixel (x, y) of the 32×32 raster lies inside the rounded square. */
function inSquare(x: number, y: number): boolean {
  const cx = Math.min(Math.max(x + 0.5, RADIUS), SIZE - RADIUS);
  const cy = Math.min(Math.max(y + 0.5, RADIUS), SIZE - RADIUS);
  return (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= RADIUS ** 2;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The icon rasterised as a 32×32 RGBA PNG (the same drawing as {@link faviconSvg}). */
export function faviconPng(): Buffer {
  const n = parseInt(RISK_COLOURS.LOW.main.slice(1), 16);
  const green = [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
  const rows: Buffer[] = [];
  for (let y = 0; y < SIZE; y++) {
    const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0, then RGBA
    for (let x = 0; x < SIZE; x++) {
      const bar = BARS.some((b) => x >= b.x && x < b.x + b.width && y >= b.top && y < BASELINE);
      const px = !inSquare(x, y) ? [0, 0, 0, 0] : bar ? [255, 255, 255, 255] : green;
      row.set(px, 1 + x * 4);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method variants, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The icon as an ICO file holding the PNG (the form every browser reads at `/favicon.ico`). */
export function faviconIco(): Buffer {
  const png = faviconPng();
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(SIZE, 6);
  header.writeUInt8(SIZE, 7);
  header.writeUInt8(0, 8); // no palette
  header.writeUInt8(0, 9);
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(png.length, 14);
  header.writeUInt32LE(header.length, 18);
  return Buffer.concat([header, png]);
}
