import type { TurnContext } from 'botbuilder';
import {
  GroupSection,
  TemplateSection,
  type Memory,
  type Message,
  type PromptFunctions,
  type PromptSection,
  type RenderedPromptSection,
  type Tokenizer,
} from '@microsoft/teams-ai';

/** Budgets remembered per section: a prompt is rendered with few distinct budgets (the template's, a turn's ceiling). */
const BUDGETS_KEPT = 32;

/**
 * Whether a section renders the same at every turn: the template's own text without variables or functions (a
 * plain TemplateSection without `{{`), or a group of such sections (PromptManager groups the system prompt).
 */
export function isConstantSection(section: PromptSection): boolean {
  if (section instanceof GroupSection) return section.sections.every(isConstantSection);
  return section.constructor === TemplateSection && !(section as TemplateSection).template.includes('{{');
}

/**
 * A section that renders the same at every turn (isConstantSection: the system prompt), measured (and, over budget,
 * cut) once per budget instead of at every turn, with the tokenizer of its first render (a prompt is rendered by one
 * model, with one tokenizer). Only the prompt's own text is kept, never a user's.
 */
export class ConstantSection implements PromptSection {
  private readonly messages = new Map<number, RenderedPromptSection<Message[]>>();
  private readonly texts = new Map<number, RenderedPromptSection<string>>();

  constructor(private readonly section: PromptSection) {}

  get tokens(): number {
    return this.section.tokens;
  }

  get required(): boolean {
    return this.section.required;
  }

  async renderAsMessages(
    context: TurnContext,
    memory: Memory,
    functions: PromptFunctions,
    tokenizer: Tokenizer,
    maxTokens: number,
  ): Promise<RenderedPromptSection<Message[]>> {
    const rendered = await remembered(this.messages, maxTokens, () =>
      this.section.renderAsMessages(context, memory, functions, tokenizer, maxTokens),
    );
    return { ...rendered, output: rendered.output.map((message) => ({ ...message })) };
  }

  renderAsText(
    context: TurnContext,
    memory: Memory,
    functions: PromptFunctions,
    tokenizer: Tokenizer,
    maxTokens: number,
  ): Promise<RenderedPromptSection<string>> {
    return remembered(this.texts, maxTokens, () => this.section.renderAsText(context, memory, functions, tokenizer, maxTokens));
  }
}

async function remembered<T>(kept: Map<number, T>, maxTokens: number, render: () => Promise<T>): Promise<T> {
  let result = kept.get(maxTokens);
  if (result === undefined) {
    result = await render();
    if (kept.size >= BUDGETS_KEPT) kept.delete(kept.keys().next().value as number);
    kept.set(maxTokens, result);
  }
  return result;
}
