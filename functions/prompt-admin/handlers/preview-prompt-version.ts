import { promptAdmin } from '../routes';
import { jsonRoute } from '../../shared/http/pipeline';
import { promptPreview, promptRegistry } from '../wiring';
import { UnprocessableError } from '../../shared/errors';

const registry = promptRegistry();
const preview = promptPreview();

/** POST /admin/prompts/{topic}/versions/{version}/preview — `staging` previews what the staging label points at. */
export const handler = jsonRoute(promptAdmin.routes.previewPromptVersion, async ({ params, body, invocation }) => {
  const { record, template } = await registry.version(
    params.topic,
    await registry.resolve(params.topic, params.version),
  );
  if (!template) throw new UnprocessableError(`${record.topic} ${record.version} is ${record.status}`, record.problems);
  return { body: await preview.run(invocation, template, body) };
});
