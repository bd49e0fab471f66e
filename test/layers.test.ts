import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The layer rules of .dependency-cruiser.js fail on what they must: the same
 * dependency-cruiser command `npm run lint:layers` runs in .ci/run, over a
 * small tree with deliberate violations, exits non-zero naming each one — so
 * a violating import fails CI. (The project's own tree passing is the
 * lint:layers step of .ci/run itself.)
 */
const ROOT = path.join(__dirname, '..');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function cruise(files: Record<string, string>): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-layers-'));
  try {
    fs.copyFileSync(path.join(ROOT, '.dependency-cruiser.js'), path.join(dir, '.dependency-cruiser.js'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }));
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const r = spawnSync(process.execPath, [DEPCRUISE, 'src', '--config', '.dependency-cruiser.js', '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('layer rules (dependency-cruiser)', () => {
  it('passes a tree that imports only downwards', () => {
    const r = cruise({
      'src/domain/code.ts': 'export const code = 1;\n',
      'src/ingest/load.ts': "import { code } from '../domain/code';\nexport const load = code;\n",
      'src/graphql/field.ts': "import { load } from '../ingest/load';\nexport const field = load;\n",
    });
    expect(r.out).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  });

  it('fails on an import from a higher floor, naming the rule and the import', () => {
    const r = cruise({
      'src/graphql/context.ts': 'export const context = 1;\n',
      'src/warnings/detector.ts': "import { context } from '../graphql/context';\nexport const detector = context;\n",
    });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('error layer-warnings: src/warnings/detector.ts → src/graphql/context.ts');
  });

  it('fails on a folder cycle within a floor, even without a module cycle', () => {
    const r = cruise({
      'src/scoring/a.ts': "import { b } from '../tags/b';\nexport const a = b;\n",
      'src/scoring/c.ts': 'export const c = 1;\n',
      'src/tags/b.ts': "import { c } from '../scoring/c';\nexport const b = c;\n",
    });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('error layer-scoring: src/scoring/a.ts → src/tags/b.ts');
    expect(r.out).not.toContain('layer-tags');
  });

  it('fails on a module cycle and on a folder that is on no floor', () => {
    const r = cruise({
      'src/ingest/x.ts': "import { y } from './y';\nexport const x = () => y;\n",
      'src/ingest/y.ts': "import { x } from './x';\nexport const y = () => x;\n",
      'src/misc/thing.ts': "import { x } from '../ingest/x';\nexport const thing = x;\n",
    });
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/error no-circular: src\/ingest\/x\.ts → \s*src\/ingest\/y\.ts/);
    expect(r.out).toContain('error folder-on-a-floor: src/misc/thing.ts');
  });
});
