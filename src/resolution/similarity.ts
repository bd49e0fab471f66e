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

/** One factor of a candidate's score: what was compared, what was found, and its weight (log-odds) in the probability. */
export interface ScoreReason {
  factor: 'BASE' | 'NAME' | 'NAME_EXACT' | 'FORMER_NAME' | 'ADDRESS' | 'LEGAL_FORM';
  detail: string;
  weight: number;
}

/** An enterprise a record may name (from the enterprise register, in the record's block). */
export interface Candidate {
  creditCode: string;
  name: string;
  address?: string | null;
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
  address: number;
  addressBase: number;
  formConflict: number;
}

/**
 * Exact core names with the same legal form score ≈ 0.993, with an agreeing address
 * ≈ 0.9997; one typo in a six-character core ≈ 0.2 (≈ 0.8 with the address): the
 * review queue's band.
 */
export const DEFAULT_WEIGHTS: SimilarityWeights = { base: -7, name: 10, exactCore: 2, address: 4, addressBase: -1, formConflict: -1.5 };

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
    if (best.sim === 1) reasons.push({ factor: 'NAME_EXACT', detail: 'standardised name cores equal', weight: weights.exactCore });
    if (rec.form && best.name.form && rec.form !== best.name.form) {
      reasons.push({ factor: 'LEGAL_FORM', detail: `legal forms differ (${rec.form} vs ${best.name.form})`, weight: weights.formConflict });
    }
    if (recAddress && c.address) {
      const sim = gramJaccard(recAddress, standardiser.standardiseAddress(c.address));
      reasons.push({ factor: 'ADDRESS', detail: `address bigram Jaccard ${round(sim)}`, weight: round(weights.addressBase + weights.address * sim) });
    }
    const logit = reasons.reduce((s, r) => s + r.weight, 0);
    return { creditCode: c.creditCode, name: c.name, probability: Math.round(1e6 / (1 + Math.exp(-logit))) / 1e6, reasons };
  });
  // Probability rounded to 6 places above; ties by credit code, so the order is deterministic.
  return scored.sort((a, b) => b.probability - a.probability || (a.creditCode < b.creditCode ? -1 : a.creditCode > b.creditCode ? 1 : 0));
}

/** The two thresholds of similarity links: at or above `link` automatic, from `review` up the review queue, below it quarantine. */
export interface Thresholds {
  link: number;
  review: number;
}

/** What similarity decided for a record. */
export type SimilarityDecision =
  | { outcome: 'LINK'; creditCode: string; probability: number; candidates: ScoredCandidate[] }
  | { outcome: 'REVIEW'; probability: number; candidates: ScoredCandidate[]; why: string }
  | { outcome: 'QUARANTINE'; probability: number; candidates: ScoredCandidate[]; why: string };

/**
 * Applies the thresholds to scored candidates (best first). A best candidate above
 * `link` links only when no runner-up reaches `review`: two plausible enterprises
 * are a steward's call.
 */
export function decide(candidates: readonly ScoredCandidate[], t: Thresholds, keep = 5): SimilarityDecision {
  if (!(t.review <= t.link)) throw new Error(`review threshold ${t.review} must not exceed link threshold ${t.link}`);
  const top = candidates.slice(0, keep);
  const best = candidates[0];
  if (!best) return { outcome: 'QUARANTINE', probability: 0, candidates: [], why: 'no enterprise in the block' };
  const second = candidates[1];
  if (best.probability >= t.link && !(second && second.probability >= t.review)) {
    return { outcome: 'LINK', creditCode: best.creditCode, probability: best.probability, candidates: top };
  }
  if (best.probability >= t.review) {
    const why =
      best.probability >= t.link ? `runner-up ${second.creditCode} also scores ${second.probability}` : `best probability ${best.probability} below ${t.link}`;
    return { outcome: 'REVIEW', probability: best.probability, candidates: top, why };
  }
  return { outcome: 'QUARANTINE', probability: best.probability, candidates: top, why: `best probability ${best.probability} below ${t.review}` };
}
