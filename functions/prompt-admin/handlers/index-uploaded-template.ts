import type { S3Event } from 'aws-lambda';
import { logger } from '../../shared/observability';
import { traceInvocation } from '../../shared/tracing';
import { parseTemplateKey } from '../../shared/prompts/template-content';
import { promptRegistry } from '../wiring';

const registry = promptRegistry();

/**
 * S3 ObjectCreated on the prompts bucket: indexes each `<topic>/<version>.json` (valid or invalid with reasons), each
 * traced with its topic and version.
 * A failure throws, so Lambda retries the event; other keys are ignored.
 */
export const handler = async (event: S3Event): Promise<void> => {
  for (const record of event.Records ?? []) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const named = parseTemplateKey(key);
    if (!named) {
      logger.info('not a template key; ignored', { key });
      continue;
    }
    const outcome = await traceInvocation(
      'Prompt upload',
      { promptTopic: named.topic, promptVersion: named.version },
      () => registry.indexUpload(named.topic, named.version, record.s3.object.versionId, 's3-upload'),
    );
    logger.info('prompt file indexed', { ...named, objectVersion: record.s3.object.versionId, outcome });
  }
};
