import fs from 'node:fs';
import path from 'node:path';
import { readBundledTagCatalogue, validateTagCatalogue } from './tag-catalogue.model';

describe('tag catalogue (zod schema)', () => {
  const raw = JSON.parse(fs.readFileSync(path.join(__dirname, 'tag-catalogue.json'), 'utf8'));

  it('accepts the shipped catalogue unchanged', () => {
    expect(readBundledTagCatalogue()).toEqual(raw);
  });

  it('names the field path of every problem', () => {
    const bad = structuredClone(raw);
    bad.categories[0].tags[1].slug = 'Bad Slug';
    bad.categories[0].tags[2].labelEn = '';
    bad.categories[1].tags[0].rules = [{ kind: 'regex' }, { kind: 'match', field: 'nope', value: '' }];
    bad.categories[8].tags = [{ slug: 'mine', label: '我的', labelEn: 'mine', rules: [] }];
    bad.categories.push({ code: 'WHAT', label: 'x', labelEn: 'x', tags: [] });
    expect(() => validateTagCatalogue(bad)).toThrow(
      'tag catalogue: ' +
        [
          'categories[0].tags[1].slug must be kebab-case',
          'categories[0].tags[2].labelEn is required',
          'categories[1].tags[0].rules[0].kind must be match, prefix, fallback, not "regex"',
          `categories[1].tags[0].rules[1].field must be a fact a rule can test (supervision_level, management_class, basin, pollution_types, air_sources, monitoring_facilities, industry_code, credit_level, monitoring_reported), not "nope"`,
          'categories[1].tags[0].rules[1].value needs a value',
          'categories[8].tags must be empty: LOCAL tags are created by bureaus, not shipped',
          'categories[9].code must be a category (SUPERVISION, INDUSTRY, PERMIT_CLASS, BASIN, POLLUTION, AIR, CREDIT, MONITORING, LOCAL), not "WHAT"',
        ].join('; '),
    );
  });

  it('refuses a slug, category or Chinese label used twice', () => {
    const twice = structuredClone(raw);
    twice.categories[0].tags[1].slug = twice.categories[0].tags[0].slug;
    expect(() => validateTagCatalogue(twice)).toThrow(`tag catalogue: categories[0].tags[1].slug ${raw.categories[0].tags[0].slug} appears twice`);
    const label = structuredClone(raw);
    label.categories[1].tags[0].label = raw.categories[0].tags[0].label;
    expect(() => validateTagCatalogue(label)).toThrow(
      `tag catalogue: categories[1].tags[0].label ${raw.categories[0].tags[0].label} is also the label of SUPERVISION/${raw.categories[0].tags[0].slug}`,
    );
    const category = structuredClone(raw);
    category.categories.push({ ...raw.categories[0], tags: [] });
    expect(() => validateTagCatalogue(category)).toThrow('tag catalogue: categories[9].code SUPERVISION appears twice');
    expect(() => validateTagCatalogue({ version: 'x' })).toThrow('tag catalogue: categories must be a list of categories');
  });
});
