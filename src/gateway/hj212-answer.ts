import type { Hj212Packet } from './hj212-packet';

/** `QnRtn` of a 9011 request answer (HJ 212-2017 §6.6). */
export const QnRtn = {
  READY: 1,
  REFUSED: 2,
  WRONG_PASSWORD: 3,
  UNKNOWN_MN: 4,
  WRONG_ST: 5,
  WRONG_FLAG: 6,
  WRONG_QN: 7,
  WRONG_CN: 8,
  CRC_ERROR: 9,
  UNKNOWN: 100,
} as const;
export type QnRtnCode = (typeof QnRtn)[keyof typeof QnRtn];

type Addressed = Pick<Hj212Packet, 'qn' | 'pw' | 'mn'>;

function head(p: Addressed, cn: string): string {
  const parts: string[] = [];
  if (p.qn !== null) parts.push(`QN=${p.qn}`);
  parts.push('ST=91', `CN=${cn}`);
  if (p.pw !== null) parts.push(`PW=${p.pw}`);
  if (p.mn !== null) parts.push(`MN=${p.mn}`);
  parts.push('Flag=4');
  return parts.join(';');
}

/** The data answer 9014: the uploaded packet's `QN`, `ST=91`, `Flag=4`, `CP=&&&&`. */
export function dataAnswerSegment(p: Addressed): string {
  return `${head(p, '9014')};CP=&&&&`;
}

/** The request answer 9011 with its return code (3 wrong password, 4 unknown MN, 9 CRC error…). */
export function requestAnswerSegment(p: Addressed, qnRtn: QnRtnCode): string {
  return `${head(p, '9011')};CP=&&QnRtn=${qnRtn}&&`;
}
