import { compareVersionsDescending, versionFromFileName } from '../../../../functions/shared/prompts/versions';

describe('compareVersionsDescending', () => {
  it('orders versions newest first by number, not by text', () => {
    const versions = ['v1.9', 'v2.0', 'v1.10', 'v10.0', 'v1.0'];

    const sorted = [...versions].sort(compareVersionsDescending);

    expect(sorted).toEqual(['v10.0', 'v2.0', 'v1.10', 'v1.9', 'v1.0']);
  });

  it('puts names that are not versions last, after every real version', () => {
    const versions = ['draft', 'v1.0', 'v1', 'v0.1', 'latest'];

    const sorted = [...versions].sort(compareVersionsDescending);

    expect(sorted.slice(0, 2)).toEqual(['v1.0', 'v0.1']);
    expect(new Set(sorted.slice(2))).toEqual(new Set(['draft', 'v1', 'latest']));
  });
});

describe('versionFromFileName', () => {
  it('reads the version of a template key or file name, and nothing from other names', () => {
    const names = ['insights_generation/v1.10.json', 'v2.0.json', 'insights_generation/README.md', 'v1.json'];

    const versions = names.map(versionFromFileName);

    expect(versions).toEqual(['v1.10', 'v2.0', undefined, undefined]);
  });
});
