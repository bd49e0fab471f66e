import { FieldResolver, Resolver, Root } from 'type-graphql';
import { groupDeductions } from '../../scoring/deduction-groups';
import { HealthReportData } from '../../scoring/health-report.service';
import { DeductionGroup } from '../types/deduction-group.type';
import { HealthReport } from '../types/health-report.type';

/** `HealthReport.deductionGroups`: the report's deductions grouped (the report's loader already read them). */
@Resolver(() => HealthReport)
export class HealthReportGroupsResolver {
  @FieldResolver(() => [DeductionGroup], {
    description: 'The deductions grouped per rule, outlet, pollutant and month (monitoring) or one by one (others), in order of their first date',
  })
  deductionGroups(@Root() report: HealthReportData) {
    return groupDeductions(report.deductions);
  }
}
