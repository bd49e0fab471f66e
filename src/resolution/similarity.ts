/**
 * Similarity of a source record's name and address to candidate enterprises,
 * turned into a match probability with the reasons each candidate scored as it did.
 */
import type { NameStandardiser, StandardName } from './name-standardiser';

/**
 * Character n-grams of `s` with boundary marks (`^`, `$`), as a set. Bigrams by
 * default: Chinese names are short (a 4–8 character core), where a trigram set is
 * too sparse for one typo to leave much in common.
 */
export function charGrams(s: string, n = 2): Set<string> {
  const padded = `^${s}$`;
  const out = new Set<string>();
  if (padded.length <= n) out.add(padded);
  for (let i = 0; i + n <= padded.length; i++) out.add(padded.slice(i, i + n));
  return out;
}

/** Jaccard similarity of the n-gram sets of two strings (1 for equal strings, 0 for nothing in common). */
export function gramJaccard(a: string, b: string, n = 2): number {
  if (a === b) return 1;
  const ga = charGrams(a, n);
  const gb = charGrams(b, n);
  let inter = 0;
  for (const g of ga) if (gb.has(g)) inter++;
  const union = ga.size + gb.size - inter;
  return union === 0 ? 0 : inter / union;
}

/**
 * Optimal-string-alignment edit distance of two strings over code points: the
 * substitutions, insertions, deletions and swaps of adjacent characters that turn
 * one into the other (a typist's slips). Stops counting past `max` (returns `max + 1`).
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[y.length];
}

/** One factor of a candidate's score: what was compared, what was found, and its weight (log-odds) in the probability. */
export interface ScoreReason {
  factor: 'BASE' | 'NAME' | 'NAME_EXACT' | 'NAME_ONE_EDIT' | 'FORMER_NAME' | 'ADDRESS' | 'ADDRESS_EXACT' | 'LEGAL_FORM' | 'PLACE';
  detail: string;
  weight: number;
}

/** An enterprise a record may name (from the enterprise register, in the record's block). */
export interface Candidate {
  creditCode: string;
  name: string;
  address?: string | null;
  /** The county the enterprise is registered in (its city and province follow from the code). */
  divisionCode?: string | null;
}

/** A candidate with its match probability and why. */
export interface ScoredCandidate {
  creditCode: string;
  name: string;
  probability: number;
  reasons: ScoreReason[];
}

/** The weights (log-odds) of the score; {@link DEFAULT_WEIGHTS} until measured otherwise. */
export interface SimilarityWeights {
  base: number;
  name: number;
  exactCore: number;
  /** Added when the cores are one typing slip apart (`editDistance` 1) and the record's core has at least {@link SimilarityWeights.oneEditMinLength} characters. */
  oneEdit: number;
  /** The shortest core a one-edit match counts for: in a shorter name one slip changes too much of what identifies it. */
  oneEditMinLength: number;
  address: number;
  addressBase: number;
  /** Added when the standardised addresses are equal (an address is shared by few enterprises of a county). */
  addressExact: number;
  formConflict: number;
  /** Added when the record's name leads with a province or city the enterprise is not in (`济宁…` against an enterprise of 潍坊). */
  placeConflict: number;
}

/**
 * Exact core names with the same legal form score ≈ 0.99998 (log-odds 11); one typing
 * slip in a core of five or more characters ≈ 0.996 with a six-character core
 * (≈ 0.98 with five) — above the link threshold only when no other enterprise of the
 * block is as close (see {@link decide}'s margin); one slip in a shorter core, or two
 * slips, stay in the review band or below. An agreeing address adds up to 3, a
 * conflicting legal form takes 1.5. Measured on generated provinces with
 * `hub resolve --evaluate` (docs/entity-resolution.md).
 */
export const DEFAULT_WEIGHTS: SimilarityWeights = {
  base: -7,
  name: 10,
  exactCore: 8,
  oneEdit: 7.5,
  oneEditMinLength: 4,
  address: 4,
  addressBase: -1,
  addressExact: 3,
  formConflict: -1.5,
  placeConflict: -10,
};

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Scores a record's name (and address, when both sides have one) against each
 * candidate, best first. The caller blocks: candidates are the enterprises of the
 * record's county (or whatever block the source allows).
 */
export function scoreCandidates(
  record: { name: string; address?: string | null },
  candidates: readonly Candidate[],
  standardiser: NameStandardiser,
  weights: SimilarityWeights = DEFAULT_WEIGHTS,
): ScoredCandidate[] {
  const rec = standardiser.standardise(record.name);
  const recAddress = record.address ? standardiser.standardiseAddress(record.address) : null;
  const scored = candidates.map((c) => {
    const reasons: ScoreReason[] = [{ factor: 'BASE', detail: 'prior log-odds of a match within the block', weight: weights.base }];
    const current = standardiser.standardise(c.name);
    let best: { name: StandardName; sim: number; former: boolean } = { name: current, sim: gramJaccard(rec.core, current.core), former: false };
    for (const f of standardiser.formerNames(c.name)) {
      const sim = gramJaccard(rec.core, f.core);
      if (sim > best.sim) best = { name: f, sim, former: true };
    }
    reasons.push({
      factor: best.former ? 'FORMER_NAME' : 'NAME',
      detail: `name core '${rec.core}' vs ${best.former ? 'former name' : 'name'} core '${best.name.core}': bigram Jaccard ${round(best.sim)}`,
      weight: round(weights.name * best.sim),
    });
    if (rec.core === best.name.core) reasons.push({ factor: 'NAME_EXACT', detail: 'standardised name cores equal', weight: weights.exactCore });
    else if ([...rec.core].length >= weights.oneEditMinLength && editDistance(rec.core, best.name.core, 1) === 1)
      reasons.push({ factor: 'NAME_ONE_EDIT', detail: 'name cores one typing slip apart (edit distance 1)', weight: weights.oneEdit });
    if (rec.form && best.name.form && rec.form !== best.name.form) {
      reasons.push({ factor: 'LEGAL_FORM', detail: `legal forms differ (${rec.form} vs ${best.name.form})`, weight: weights.formConflict });
    }
    const conflict = placeConflict(rec, c, current);
    if (conflict) reasons.push({ factor: 'PLACE', detail: conflict, weight: weights.placeConflict });
    if (recAddress && c.address) {
      const theirs = standardiser.standardiseAddress(c.address);
      const sim = gramJaccard(recAddress, theirs);
      reasons.push({ factor: 'ADDRESS', detail: `address bigram Jaccard ${round(sim)}`, weight: round(weights.addressBase + weights.address * sim) });
      if (recAddress === theirs) reasons.push({ factor: 'ADDRESS_EXACT', detail: 'standardised addresses equal', weight: weights.addressExact });
    }
    const logit = reasons.reduce((s, r) => s + r.weight, 0);
    return { creditCode: c.creditCode, name: c.name, probability: Math.round(1e6 / (1 + Math.exp(-logit))) / 1e6, reasons };
  });
  // Probability rounded to 6 places above; ties by credit code, so the order is deterministic.
  return scored.sort((a, b) => b.probability - a.probability || (a.creditCode < b.creditCode ? -1 : a.creditCode > b.creditCode ? 1 : 0));
}

/**
 * Where the record's name says the enterprise is, against where it is: a leading
 * province or city name may be left out, but one that names another city (or
 * province) than the enterprise's contradicts the match. The enterprise's place is
 * its county's city and province, or — without a county — its own name's leading names.
 */
function placeConflict(rec: StandardName, c: Candidate, name: StandardName): string | null {
  const theirs = c.divisionCode && /^\d{6}$/.test(c.divisionCode) ? [`${c.divisionCode.slice(0, 2)}0000`, `${c.divisionCode.slice(0, 4)}00`] : name.places;
  for (const [i, place] of rec.places.entries()) {
    const province = place.endsWith('0000');
    const same = theirs.filter((t) => t.endsWith('0000') === province);
    if (same.length && !same.includes(place)) return `the name leads with ${rec.leading[i]} (${place}); the enterprise is in ${same.join(', ')}`;
  }
  return null;
}

/**
 * The two thresholds of similarity links: at or above `link` automatic, from `review`
 * up the review queue, below it quarantine; and the margin by which the best
 * candidate must lead a runner-up that reaches `review` to link anyway.
 */
export interface Thresholds {
  link: number;
  review: number;
  /** Log-odds by which the best candidate must lead a runner-up at or above `review` (default {@link DEFAULT_LINK_MARGIN}). */
  margin?: number;
}

/** Default margin (log-odds, ≈ 55:1 odds) by which a link must lead a plausible runner-up. */
export const DEFAULT_LINK_MARGIN = 4;

/** A scored candidate's log-odds: the sum of its reasons' weights. */
export const logOdds = (c: ScoredCandidate): number => c.reasons.reduce((s, r) => s + r.weight, 0);

/** What similarity decided for a record. */
export type SimilarityDecision =
  | { outcome: 'LINK'; creditCode: string; probability: number; candidates: ScoredCandidate[] }
  | { outcome: 'REVIEW'; probability: number; candidates: ScoredCandidate[]; why: string }
  | { outcome: 'QUARANTINE'; probability: number; candidates: ScoredCandidate[]; why: string };

/**
 * Applies the thresholds to scored candidates (best first). A best candidate above
 * `link` links when no runner-up reaches `review`, or when it leads the runner-up by
 * at least `margin` in log-odds (an exact name beside a neighbour one letter off);
 * two comparably plausible enterprises are a steward's call.
 */
export function decide(candidates: readonly ScoredCandidate[], t: Thresholds, keep = 5): SimilarityDecision {
  if (!(t.review <= t.link)) throw new Error(`review threshold ${t.review} must not exceed link threshold ${t.link}`);
  const top = candidates.slice(0, keep);
  const best = candidates[0];
  if (!best) return { outcome: 'QUARANTINE', probability: 0, candidates: [], why: 'no enterprise in the block' };
  const second = candidates[1];
  const margin = t.margin ?? DEFAULT_LINK_MARGIN;
  if (best.probability >= t.link && (!second || second.probability < t.review || logOdds(best) - logOdds(second) >= margin)) {
    return { outcome: 'LINK', creditCode: best.creditCode, probability: best.probability, candidates: top };
  }
  if (best.probability >= t.review) {
    const why =
      best.probability >= t.link
        ? `runner-up ${second.creditCode} also scores ${second.probability} (lead ${round(logOdds(best) - logOdds(second))} log-odds, below the margin ${margin})`
        : `best probability ${best.probability} below ${t.link}`;
    return { outcome: 'REVIEW', probability: best.probability, candidates: top, why };
  }
  return { outcome: 'QUARANTINE', probability: best.probability, candidates: top, why: `best probability ${best.probability} below ${t.review}` };
}
