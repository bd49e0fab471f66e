import { Scope } from '../jurisdiction/scope';

/**
 * Whether an enterprise in county `divisionCode` lies in a division's subtree.
 * The same rule as `divisionPredicate` (province: the province prefix; city:
 * the county's city; county: the county itself), for events that were loaded
 * once from the database and are fanned out to many subscribers in memory.
 */
export function scopeContains(scope: Pick<Scope, 'divisionCode' | 'level'>, divisionCode: string): boolean {
  switch (scope.level) {
    case 'PROVINCE':
      return divisionCode.slice(0, 2) === scope.divisionCode.slice(0, 2);
    case 'CITY':
      return `${divisionCode.slice(0, 4)}00` === scope.divisionCode;
    case 'COUNTY':
      return divisionCode === scope.divisionCode;
  }
}
