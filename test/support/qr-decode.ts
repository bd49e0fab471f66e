import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** Decodes a QR code PNG to its text, and reports the darkest module colour seen. */
export function decodeQrPng(png: Buffer): { text: string | null; dark: [number, number, number] } {
  const img = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height);
  let dark: [number, number, number] = [255, 255, 255];
  for (let i = 0; i < img.data.length; i += 4) {
    const sum = img.data[i] + img.data[i + 1] + img.data[i + 2];
    if (sum < dark[0] + dark[1] + dark[2]) dark = [img.data[i], img.data[i + 1], img.data[i + 2]];
  }
  return { text: code?.data ?? null, dark };
}
