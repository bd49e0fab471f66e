import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm ci` on the Node the README names prints no EBADENGINE warning, honestly
 * (issue 14 item 14): every locked package accepts the lowest Node that
 * package.json's `engines` admits, and every package's declared dependency
 * ranges are met by what the lock resolves — the `overrides` pick releases
 * inside those ranges, they never force one outside.
 */
const semver = require('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string, opts?: { includePrerelease?: boolean }): boolean;
};

interface LockedPackage {
  version?: string;
  engines?: Record<string, string> | string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
}

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };

/** Where Node's resolution finds `name` from the package installed at `from` (a lock key). */
function resolveFrom(from: string, name: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? dir + '/' : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return null;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

describe('dependency engines and ranges (issue 14 item 14)', () => {
  const floor = semver.minVersion(pkg.engines.node)!.version;

  it(`every locked package accepts Node ${floor}, the lowest package.json admits, and Node 20 is admitted`, () => {
    expect(semver.satisfies(floor, '^20')).toBe(true);
    const refusing = Object.entries(lock.packages)
      .filter(([key, p]) => key && p.engines && !Array.isArray(p.engines) && p.engines.node && !semver.satisfies(floor, p.engines.node))
      .map(([key, p]) => `${key.replace(/^.*node_modules\//, '')}@${p.version} wants node ${(p.engines as Record<string, string>).node}`);
    expect(refusing).toEqual([]);
  });

  it("every package's declared dependency ranges are met by the locked versions (overrides stay inside them)", () => {
    const outside: string[] = [];
    for (const [key, p] of Object.entries(lock.packages)) {
      for (const deps of [p.dependencies, p.peerDependencies, p.optionalDependencies]) {
        for (const [name, range] of Object.entries(deps ?? {})) {
          if (/^(npm:|git|file:|https?:|link:|workspace:)/.test(range)) continue;
          const at = resolveFrom(key, name);
          if (!at) continue; // optional and peer dependencies may be absent
          const version = lock.packages[at].version!;
          if (!semver.satisfies(version, range, { includePrerelease: true })) outside.push(`${key || 'root'} wants ${name}@${range}, lock has ${version}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
