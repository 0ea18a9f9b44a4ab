import type { TurnContext } from 'botbuilder';
import {
  TemplateSection,
  type Memory,
  type Message,
  type PromptFunctions,
  type RenderedPromptSection,
  type Tokenizer,
} from '@microsoft/teams-ai';

/** Budgets remembered per section: a prompt is rendered with few distinct budgets (the template's, a turn's ceiling). */
const BUDGETS_KEPT = 32;

/**
 * teams-ai's TemplateSection for a template without variables or functions (the system prompt): its text is the
 * same at every turn, so it is measured (and, over budget, cut) once per budget instead of at every turn. A template
 * with `{{ }}` renders exactly as teams-ai's does. Only the prompt's own text is kept, never a user's.
 */
export class FixedTemplateSection extends TemplateSection {
  private readonly rendered = new Map<number, RenderedPromptSection<Message[]>>();
  private readonly fixed = !this.template.includes('{{');

  override async renderAsMessages(
    context: TurnContext,
    memory: Memory,
    functions: PromptFunctions,
    tokenizer: Tokenizer,
    maxTokens: number,
  ): Promise<RenderedPromptSection<Message[]>> {
    if (!this.fixed) return super.renderAsMessages(context, memory, functions, tokenizer, maxTokens);
    let result = this.rendered.get(maxTokens);
    if (!result) {
      result = await super.renderAsMessages(context, memory, functions, tokenizer, maxTokens);
      if (this.rendered.size >= BUDGETS_KEPT) this.rendered.delete(this.rendered.keys().next().value as number);
      this.rendered.set(maxTokens, result);
    }
    return { ...result, output: result.output.map((message) => ({ ...message })) };
  }
}
