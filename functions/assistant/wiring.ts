import { knowledgeBase } from '../shared/knowledge/knowledge-base';
import { once } from '../shared/once';
import { AssistantService } from './service';

/** The assistant's use cases with their production adapters, built once per process. */
export const assistantService = /* @__PURE__ */ once(
  (): AssistantService => new AssistantService({ knowledge: knowledgeBase() }),
);
