/**
 * Standardised enterprise names: the form in which names typed in different
 * offices compare equal when they name the same enterprise.
 */
import { foldWidth } from './org-code';

/** The divisions whose names may lead an enterprise name: what {@link NameStandardiser} reads (the hub's `DivisionDirectory` fits). */
export interface DivisionNames {
  children(parentCode: string | null): ReadonlyArray<{ code: string; name: string }>;
}

/** The legal form a name's suffix declares. `LIMITED` covers 有限公司 and 有限责任公司 (one form, two spellings). */
export type LegalForm = 'LIMITED' | 'JOINT_STOCK' | 'BRANCH';

/** A name taken apart. */
export interface StandardName {
  /** Width-folded, brackets normalised to `()`, whitespace removed. */
  folded: string;
  /** What identifies the enterprise: `folded` without a leading province/city name, bracketed notes and the legal-form suffix. */
  core: string;
  /** The legal form of the suffix, or null when the name has none. */
  form: LegalForm | null;
  /** Province or city names removed from the start, as written. */
  leading: string[];
  /** The division codes of `leading` (a province's `370000`, a city's `370100`): where the name says the enterprise is. */
  places: string[];
}

/** Suffixes longest first, so 股份有限公司 is not read as 有限公司. */
const SUFFIXES: ReadonlyArray<readonly [string, LegalForm]> = [
  ['股份有限公司', 'JOINT_STOCK'],
  ['有限责任公司', 'LIMITED'],
  ['有限公司', 'LIMITED'],
  ['分公司', 'BRANCH'],
];

const BRACKETS: Record<string, string> = { '（': '(', '）': ')', '【': '(', '】': ')', '〔': '(', '〕': ')', '[': '(', ']': ')', '［': '(', '］': ')' };

/** The shortest core whose one-character deletions are keys (the shortest a one-slip match counts for, see `SimilarityWeights.oneEditMinLength`). */
export const NAME_KEY_DELETIONS_FROM = 4;

/** A division name and its short form (`济南市` → `济南`, `山东省` → `山东`). */
function forms(name: string): string[] {
  const short = name.replace(/(省|市)$/, '');
  return short !== name && short.length >= 2 ? [name, short] : [name];
}

/**
 * Standardises names using the province and city names of the division
 * directory it is given: a leading province or city name is optional in a name,
 * so it is removed from the core.
 */
export class NameStandardiser {
  /** Province and city names (full and short), longest first. */
  private readonly leadingNames: string[];
  /** The division code of each of `leadingNames`. */
  private readonly placeCode = new Map<string, string>();

  constructor(divisions: DivisionNames) {
    for (const province of divisions.children(null)) {
      for (const f of forms(province.name)) this.placeCode.set(f, province.code);
      for (const city of divisions.children(province.code)) for (const f of forms(city.name)) this.placeCode.set(f, city.code);
    }
    this.leadingNames = [...this.placeCode.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
  }

  /** Width-folded, brackets normalised, whitespace removed, Latin letters upper-cased. */
  static fold(s: string): string {
    return [...foldWidth(s)]
      .map((ch) => BRACKETS[ch] ?? ch)
      .join('')
      .replace(/\s+/g, '')
      .toUpperCase();
  }

  standardise(name: string): StandardName {
    const folded = NameStandardiser.fold(name);
    // Bracketed notes (a former name, a branch's parent) do not identify the enterprise.
    let rest = folded.replace(/\([^()]*\)/g, '');
    let form: LegalForm | null = null;
    for (const [suffix, f] of SUFFIXES) {
      if (rest.endsWith(suffix)) {
        form = f;
        rest = rest.slice(0, -suffix.length);
        break;
      }
    }
    const leading: string[] = [];
    for (let again = true; again;) {
      again = false;
      for (const n of this.leadingNames) {
        if (rest.startsWith(n) && rest.length > n.length + 1) {
          leading.push(n);
          rest = rest.slice(n.length);
          again = true;
          break;
        }
      }
    }
    return { folded, core: rest.replace(/[,，.、·]/g, ''), form, leading, places: leading.map((n) => this.placeCode.get(n)!) };
  }

  /**
   * Former names a name records in a bracketed note, as the permit system writes a
   * renaming (`…有限公司(原"…厂",已更名)`), each standardised.
   */
  formerNames(name: string): StandardName[] {
    const out: StandardName[] = [];
    for (const m of NameStandardiser.fold(name).matchAll(/\(原"?([^"(),]+)"?[,;]?(已更名|更名)?\)/g)) out.push(this.standardise(m[1]));
    return out;
  }

  /**
   * The keys a name is found by (`enterprise_name_key`): the standardised core of the
   * name and of each former name it records, and — for cores of four or more
   * characters — each core with one character left out. Two cores one typing slip
   * apart (a substitution, insertion, deletion or swap of neighbours) always share a
   * key, so candidates within one slip are an indexed lookup, not a scan of the block.
   */
  nameKeys(name: string): string[] {
    const keys = new Set<string>();
    for (const { core } of [this.standardise(name), ...this.formerNames(name)]) {
      if (!core) continue;
      keys.add(core);
      const chars = [...core];
      if (chars.length >= NAME_KEY_DELETIONS_FROM) for (let i = 0; i < chars.length; i++) keys.add([...chars.slice(0, i), ...chars.slice(i + 1)].join(''));
    }
    return [...keys];
  }

  /** Removes leading province and city names from an address (its county part is compared by the blocking). */
  standardiseAddress(address: string): string {
    let rest = NameStandardiser.fold(address);
    for (let again = true; again;) {
      again = false;
      for (const n of this.leadingNames) {
        if (rest.startsWith(n)) {
          rest = rest.slice(n.length);
          again = true;
          break;
        }
      }
    }
    return rest;
  }
}
