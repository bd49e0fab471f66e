import { Database } from '../db/database';
import { DivisionDirectory } from '../divisions/division-directory';
import { EnterpriseSearchService } from '../enterprises/enterprise-search.service';
import { TagCatalogue } from './tag-catalogue';
import { tagFilterClauses } from './tag-filter.clauses';
import { TagService } from './tag.service';

/**
 * Wires the tags of a hub process: loads the catalogue and registers the
 * `filter.tags` conditions with the enterprise search. The retag step
 * (`tags.postSyncStep()`) is placed in the post-sync pipeline by `src/app`.
 */
export async function createTagService(db: Database, divisions: DivisionDirectory, enterprises: EnterpriseSearchService): Promise<TagService> {
  const catalogue = new TagCatalogue(db.pool, divisions);
  await catalogue.reload();
  enterprises.addFilterClauses(tagFilterClauses(catalogue));
  return new TagService(db, catalogue, divisions);
}
