import { RISK_LEVELS, riskBands, riskLevelSql, riskOf, riskRank, riskRankSql } from './risk-band';

describe('risk bands (domain.md §3)', () => {
  const sd = { low: 85, medium: 60 };

  it('puts 85 in LOW, 84 and 60 in MEDIUM, 59 and scores below zero in HIGH', () => {
    expect([100, 85, 84, 60, 59, 0, -134].map((s) => riskOf(s, sd))).toEqual(['LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'HIGH']);
  });

  it('follows the thresholds of another rule set, and an empty MEDIUM band when they are equal', () => {
    expect([90, 89, 70, 69].map((s) => riskOf(s, { low: 90, medium: 70 }))).toEqual(['LOW', 'MEDIUM', 'MEDIUM', 'HIGH']);
    expect([70, 69].map((s) => riskOf(s, { low: 70, medium: 70 }))).toEqual(['LOW', 'HIGH']);
  });

  it('writes the SQL from the same bands, best first, HIGH without a floor', () => {
    expect(riskBands(sd)).toEqual([
      { level: 'LOW', min: 85 },
      { level: 'MEDIUM', min: 60 },
      { level: 'HIGH', min: null },
    ]);
    expect(riskLevelSql('e.score', sd)).toBe(`case when e.score >= 85 then 'LOW' when e.score >= 60 then 'MEDIUM' else 'HIGH' end`);
  });

  it('orders levels from best to worst in TypeScript and SQL alike', () => {
    expect(RISK_LEVELS.map(riskRank)).toEqual([0, 1, 2]);
    expect(riskRankSql('x')).toBe(`array_position(array['LOW', 'MEDIUM', 'HIGH'], x)`);
  });
});
