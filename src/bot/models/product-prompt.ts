import { ConversationHistory, Prompt, type PromptSection, type PromptTemplate } from '@microsoft/teams-ai';
import { ConstantSection, isConstantSection } from './constant-section';
import { StoredConversationHistory } from './stored-history-section';

const productPrompts = new WeakMap<Prompt, Prompt>();

/**
 * The template's prompt as this product renders it: the same sections and layout as teams-ai builds from the
 * template, with two that measure less at every turn: the conversation history takes its messages' lengths from the
 * store (StoredConversationHistory) and a system prompt without variables is measured once (ConstantSection).
 * Built once per prompt. A prompt of another shape (not one PromptManager builds) is used as it is.
 */
export function productPromptOf(template: PromptTemplate): PromptSection {
  const prompt = template.prompt;
  if (!(prompt instanceof Prompt)) return prompt;
  let product = productPrompts.get(prompt);
  if (!product) {
    product = new Prompt(prompt.sections.map(productSection), prompt.tokens, prompt.required, prompt.separator);
    productPrompts.set(prompt, product);
  }
  return product;
}

function productSection(section: PromptSection): PromptSection {
  if (section instanceof ConversationHistory && !(section instanceof StoredConversationHistory))
    return new StoredConversationHistory(
      section.variable,
      section.tokens,
      section.required,
      section.userPrefix,
      section.assistantPrefix,
      section.separator,
    );
  if (isConstantSection(section)) return new ConstantSection(section);
  return section;
}
