import { routes } from '../../routes';
import { httpRoute } from '../../shared/http/handler';
import { UnprocessableError } from '../../shared/http/errors';
import { promptPreview, promptRegistry } from '../wiring';

const registry = promptRegistry();
const preview = promptPreview();

/** POST /admin/prompts/{topic}/versions/{version}/preview — `staging` previews what the staging label points at. */
export const handler = httpRoute(routes.previewPromptVersion, async ({ params, body, ctx }) => {
  const { record, template } = await registry.version(
    params.topic,
    await registry.resolve(params.topic, params.version),
  );
  if (!template) throw new UnprocessableError(`${record.topic} ${record.version} is ${record.status}`, record.problems);
  return { body: await preview.run(ctx, template, body) };
});
