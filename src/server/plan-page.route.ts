import { HttpError, HttpRoute } from './http-route';
import { escapeHtml } from '../report/html-escape';

/**
 * The public part of a random-inspection plan (一公开): `/plans/<id>` lists
 * the drawn enterprises (credit code, name, county, class) and their outcome
 * once the enforcement system reports it — never the inspectors.
 * `/plans/<id>.json` gives the same list as JSON.
 */
export function planPageRoute(): HttpRoute {
  return {
    name: 'plan-page',
    methods: ['GET'],
    pattern: /^\/plans\/(\d{1,18})(\.json)?$/,
    auth: 'public',
    publicPage: true,
    async handle(_req, res, { services, params }) {
      const plans = services.inspectionPlans;
      const plan = await plans.plan(params[0], null);
      if (!plan) throw new HttpError(404, `no inspection plan ${params[0]}`, 'NOT_FOUND');
      const names = await services.db.pool.query<{ credit_code: string; name: string }>(
        `select e.credit_code, e.name from inspection_plan_item i join enterprise e using (credit_code) where i.plan_id = $1`,
        [plan.id],
      );
      const nameOf = new Map(names.rows.map((r) => [r.credit_code, r.name]));
      const rows: {
        position: number;
        creditCode: string;
        name: string;
        divisionCode: string;
        class: string;
        status: string;
        inspectionDate: string | null;
        finding: string | null;
      }[] = [];
      let after: number | null = null;
      for (;;) {
        const page = await plans.items(plan.id, null, 5000, after);
        for (const r of page.rows)
          rows.push({
            position: r.position,
            creditCode: r.creditCode,
            name: nameOf.get(r.creditCode) ?? '',
            divisionCode: r.divisionCode,
            class: r.classCode,
            status: r.status,
            inspectionDate: r.inspectionDate,
            finding: r.inspectionFinding,
          });
        if (!page.hasNextPage || page.rows.length === 0) break;
        after = page.rows[page.rows.length - 1].position;
      }
      const head = {
        id: plan.id,
        quarter: plan.quarter,
        divisionCode: plan.divisionCode,
        seed: plan.seed,
        policyVersion: plan.policyVersion,
        planDate: plan.planDate,
        digest: plan.digest,
        replaces: plan.replaces,
      };
      if (params[1]) {
        const text = JSON.stringify({ plan: head, items: rows });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
        res.end(text);
        return;
      }
      const body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>双随机抽查计划 ${escapeHtml(plan.quarter)} ${escapeHtml(plan.divisionCode)}</title></head><body>
<h1>双随机抽查计划 / Random-inspection plan ${escapeHtml(plan.quarter)} · ${escapeHtml(plan.divisionCode)}</h1>
<p>Policy ${escapeHtml(plan.policyVersion)} · plan date ${escapeHtml(plan.planDate)} · published seed <code>${escapeHtml(plan.seed)}</code> · digest <code>${escapeHtml(plan.digest)}</code>${plan.replaces ? ` · corrects plan ${escapeHtml(plan.replaces)}` : ''}</p>
<table><thead><tr><th>#</th><th>统一社会信用代码</th><th>企业</th><th>区县</th><th>类别</th><th>状态</th><th>检查日期</th><th>结果</th></tr></thead><tbody>
${rows.map((r) => `<tr><td>${r.position}</td><td>${escapeHtml(r.creditCode)}</td><td>${escapeHtml(r.name)}</td><td>${escapeHtml(r.divisionCode)}</td><td>${escapeHtml(r.class)}</td><td>${escapeHtml(r.status)}</td><td>${escapeHtml(r.inspectionDate ?? '')}</td><td>${escapeHtml(r.finding ?? '')}</td></tr>`).join('\n')}
</tbody></table></body></html>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    },
  };
}
