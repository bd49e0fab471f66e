import { problemsThrown } from '../../test/support/problems-thrown';
import { ConnectorManifestError, checkManifest } from './connector-manifest.schema';
import { ConnectorRegistry } from './connector.registry';
import { SourceConnector } from './connector.types';

const manifest = {
  id: 'permit',
  kind: 'code',
  title: '排污许可管理信息平台',
  owner: 'permit office',
  schedule: '0 2 * * *',
  produces: ['enterprise'],
  config: [
    { name: 'baseUrl', type: 'url', description: 'Base URL of the source' },
    { name: 'pageSize', type: 'integer', description: 'Records per page', default: 500 },
  ],
};

const problems = (m: unknown) => problemsThrown(() => checkManifest(m), ConnectorManifestError);

/** The manifest contract as a zod schema: what the contract test asserts is what the registry refuses. */
describe('connector manifest schema', () => {
  it('accepts a well-formed manifest', () => {
    expect(problems(manifest)).toEqual([]);
  });

  it('names every bad field', () => {
    const p = problems({
      ...manifest,
      id: 'Permit',
      owner: '',
      schedule: 'daily',
      produces: ['permit'],
      config: [
        { name: 'pageSize', type: 'int', description: 'Records per page' },
        { name: 'pageSize', type: 'integer', description: 'x', default: '500' },
      ],
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^id must be kebab-case/),
        'owner must be at least 4 characters',
        'schedule is not a cron expression',
        expect.stringMatching(/^produces\[0\] /),
        expect.stringMatching(/^config\[0\]\.type /),
        'config[1].description must say in a few words what the field is',
      ]),
    );
    expect(problems({ ...manifest, config: [manifest.config[1], manifest.config[1]] })).toEqual([
      'config has a field name twice',
      'config must declare baseUrl',
    ]);
    expect(problems({ ...manifest, config: [manifest.config[0], { ...manifest.config[1], default: '500' }] })).toEqual([
      'config[1] default does not have type integer',
    ]);
  });

  it('the registry refuses a code connector whose manifest breaks the contract', () => {
    const bad = { manifest: { ...manifest, produces: [] } } as unknown as SourceConnector;
    expect(() => new ConnectorRegistry([bad])).toThrow("connector 'permit' has an invalid manifest: produces must name at least one record kind");
  });
});
