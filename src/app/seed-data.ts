import { Pool } from 'pg';
import { RuleSetRepository } from '../scoring/rule-set.repository';
import { TagCatalogueRepository } from '../tags/tag-catalogue.repository';
import { WarningParameterRepository } from '../warnings/warning-parameter.repository';

/**
 * The versioned loaders of the data the hub ships (rules are data): rule sets
 * (`src/scoring/rule-sets/`), the tag catalogue (`src/tags/tag-catalogue.json`)
 * and the warning parameters (`src/warnings/warning-parameters/`), with the
 * warning types of the domain vocabulary. Run by `hub migrate` and at every
 * start; idempotent, and safe on many replicas at once. A shipped version
 * already stored with other contents is refused (versions are immutable).
 * Migrations never read these files: they keep frozen copies of what they seeded.
 */
export async function loadBundledRules(pool: Pool): Promise<void> {
  await new RuleSetRepository(pool).seedBundled();
  await new TagCatalogueRepository(pool).seedBundled();
  await new WarningParameterRepository(pool).seedBundled();
}
