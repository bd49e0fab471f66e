import { Database } from '../db/database';
import { DivisionDirectory } from '../divisions/division-directory';
import { EnterpriseSearchService } from '../enterprises/enterprise-search.service';
import { SyncRunner } from '../ingest/sync.runner';
import { TagCatalogue } from './tag-catalogue';
import { tagFilterClauses } from './tag-filter.clauses';
import { TagService } from './tag.service';

/**
 * Wires the tags of a hub process: loads the catalogue, registers the
 * `filter.tags` conditions with the enterprise search and the retag step
 * after every sync.
 */
export async function createTagService(db: Database, divisions: DivisionDirectory, enterprises: EnterpriseSearchService, runner: SyncRunner): Promise<TagService> {
  const catalogue = new TagCatalogue(db.pool, divisions);
  await catalogue.reload();
  enterprises.addFilterClauses(tagFilterClauses(catalogue));
  const tags = new TagService(db, catalogue, divisions);
  runner.addPostSyncStep(tags.postSyncStep());
  return tags;
}
