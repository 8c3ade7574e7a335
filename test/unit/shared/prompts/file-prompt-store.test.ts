import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilePromptStore } from '../../../../functions/shared/prompts/file-prompt-store';
import { seedTemplate, seedVersion } from '../../../support/prompt-fakes';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('FilePromptStore (the bundled copy)', () => {
  it('serves the newest version that passes the template validation, skipping broken and invalid ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    const folder = join(dir, 'insights_generation');
    mkdirSync(folder);
    writeFileSync(join(folder, 'v1.0.json'), JSON.stringify(seedTemplate()));
    writeFileSync(join(folder, 'v1.1.json'), JSON.stringify(seedVersion('v1.1')));
    writeFileSync(join(folder, 'v1.2.json'), JSON.stringify({ ...seedVersion('v1.2'), user_prompt_template: 'Only {{undeclared}}' }));
    writeFileSync(join(folder, 'v1.3.json'), '{ "topic": ');
    writeFileSync(join(folder, 'v1.4.json'), JSON.stringify(seedVersion('v1.5')));

    const template = await new FilePromptStore(dir, { maxBytes: 100_000 }, silent).active('insights_generation');

    expect(template.version).toBe('v1.1');
  });
});
