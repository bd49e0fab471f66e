import QRCode from 'qrcode';
import { RiskLevelValue } from '../domain/risk-band';
import { RISK_COLOURS } from './report-i18n';

/** Image formats of the QR code route. */
export type QrFormat = 'svg' | 'png';

/** Options shared by both formats: medium error correction, a quiet zone of 2 modules, white background. */
function qrOptions(risk: RiskLevelValue) {
  return { errorCorrectionLevel: 'M' as const, margin: 2, color: { dark: RISK_COLOURS[risk].main, light: '#ffffffff' } };
}

/**
 * Draws the QR code of a report URL in the colour of the enterprise's risk
 * level (offline: the `qrcode` package computes the matrix and writes SVG or
 * PNG itself). PNGs are 8 pixels per module.
 */
export async function renderQrCode(url: string, risk: RiskLevelValue, format: QrFormat): Promise<Buffer> {
  if (format === 'svg') return Buffer.from(await QRCode.toString(url, { ...qrOptions(risk), type: 'svg' }), 'utf8');
  return QRCode.toBuffer(url, { ...qrOptions(risk), type: 'png', scale: 8 });
}

/** Content types of the QR formats. */
export const QR_CONTENT_TYPES: Record<QrFormat, string> = { svg: 'image/svg+xml', png: 'image/png' };
