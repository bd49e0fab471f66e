import { RuleSetPreviewData } from '../scoring/health-report.service';
import { StoredRuleSet } from '../scoring/rule-set.repository';
import { TagRecord } from '../tags/tag-catalogue';
import { EnterpriseTagView, TagService } from '../tags/tag.service';
import { WarningRow } from '../warnings/warning.types';
import { RiskLevel } from './types/enums';
import { RuleSet, RuleSetPreview } from './types/rule-set.type';
import { Tag, TagCategory, TagSourceKind } from './types/tag.type';
import { Warning } from './types/warning.type';

/*
 * View mappers: a row or record of a lower floor in its GraphQL shape. Every
 * resolver that returns one of these types maps through here, so a type's
 * shape is decided in one place.
 */

/** A catalogue tag as the API shows it (its source in words, never attached). */
export function catalogueTag(catalogue: TagService['catalogue'], t: TagRecord): Tag {
  const cat = catalogue.category(t.category);
  const source = t.divisionCode
    ? `local tag of ${t.divisionCode}${t.createdBy ? `, created by ${t.createdBy}` : ''}`
    : `derived from ${cat?.derivedFrom ?? t.category}`;
  return { ...t, category: t.category as TagCategory, source, sourceKind: TagSourceKind.CATALOGUE, attachedBy: null, attachedAt: null, reason: null };
}

/**
 * Tags an enterprise carries: the tag service's views already have the API's
 * shape (the enums' values are the same strings). They are shared between the
 * fields of a request, so never changed here.
 */
export function enterpriseTags(views: readonly EnterpriseTagView[]): Tag[] {
  return views as unknown as Tag[];
}

/** A warning row as the API shows it (the row's columns are the type's fields). */
export function warningView(r: WarningRow): Warning {
  return r as unknown as Warning;
}

/** A stored rule set in its GraphQL shape. */
export function ruleSetView(rs: StoredRuleSet): RuleSet {
  return {
    version: rs.version,
    title: rs.title,
    windowDays: rs.windowDays,
    fullMarks: rs.fullMarks,
    riskThresholds: [rs.riskThresholds.low, rs.riskThresholds.medium],
    active: rs.active,
    activatedAt: rs.activatedAt,
    rules: rs.rules.map((r) => ({ code: r.code, points: r.points, description: r.description, family: r.trigger.family, trigger: JSON.stringify(r.trigger) })),
  };
}

/** A rule-set preview in its GraphQL shape. */
export function previewView(p: RuleSetPreviewData): RuleSetPreview {
  return {
    ...p,
    changes: p.changes as RuleSetPreview['changes'],
    transitions: Object.entries(p.transitions).map(([k, count]) => {
      const [from, to] = k.split('->') as [RiskLevel, RiskLevel];
      return { from, to, count };
    }),
  };
}
