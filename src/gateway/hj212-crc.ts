/**
 * The CRC of HJ 212-2017 (Appendix A of the standard).
 *
 * It is not the Modbus CRC-16, although both use the reflected polynomial 0xA001: the register
 * starts at 0xFFFF and, for each byte, is first shifted right by 8 bits and XORed with the byte,
 * then shifted 8 times (XOR 0xA001 whenever the bit shifted out is 1). The result is written as
 * four hex digits after the data segment.
 */

/** The CRC register over the bytes of a data segment (a string is taken as UTF-8). */
export function hj212Crc(segment: string | Uint8Array): number {
  const bytes = typeof segment === 'string' ? Buffer.from(segment, 'utf8') : segment;
  let reg = 0xffff;
  for (let i = 0; i < bytes.length; i++) {
    reg = (reg >>> 8) ^ bytes[i];
    for (let bit = 0; bit < 8; bit++) {
      reg = reg & 1 ? (reg >>> 1) ^ 0xa001 : reg >>> 1;
    }
  }
  return reg & 0xffff;
}

/** The CRC as the four upper-case hex digits a packet carries. */
export function hj212CrcHex(segment: string | Uint8Array): string {
  return hj212Crc(segment).toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Whether the four characters a packet carries match the segment's CRC. Senders differ in letter
 * case, so the comparison ignores it; anything that is not four hex digits never matches.
 */
export function hj212CrcMatches(segment: string | Uint8Array, crcText: string): boolean {
  if (!/^[0-9A-Fa-f]{4}$/.test(crcText)) return false;
  return parseInt(crcText, 16) === hj212Crc(segment);
}
