import { AppError } from '../http/errors';

/** No valid template could be loaded for a topic. */
export class PromptUnavailableError extends AppError {
  override readonly name = 'PromptUnavailableError';
  readonly code = 'prompt_unavailable';
}

/** A template could not be rendered: unbalanced braces, undeclared or missing variables. */
export class PromptRenderError extends AppError {
  override readonly name = 'PromptRenderError';
  readonly code = 'prompt_render_failed';
  constructor(message: string, readonly problems: readonly string[]) {
    super(`${message}: ${problems.join('; ')}`);
  }
}
