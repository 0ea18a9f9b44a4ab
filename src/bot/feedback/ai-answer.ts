import type { Activity, Entity } from 'botbuilder';

/**
 * What marks a message as an AI answer in Teams: the "AI generated" label (a schema.org Message entity with
 * `additionalType: ["AIGeneratedContent"]`) and the 👍/👎 feedback buttons (`channelData.feedbackLoopEnabled`, and
 * the newer `feedbackLoop.type` that teams-ai 1.7 sends; the Agents Playground reads either). Every path that sends
 * an AI answer uses these, so each answer carries both: teams-ai's SAY command through `AI_ANSWER_OPTIONS`, and
 * any path that builds the final message itself through `aiAnswerMarkers()`.
 */

/** teams-ai AI options: SAY answers (and teams-ai's StreamingResponse's final message) carry the feedback buttons. */
export const AI_ANSWER_OPTIONS = { enable_feedback_loop: true, feedback_loop_type: 'default' } as const;

/** The schema.org entity behind Teams' "AI generated" label. */
export const AI_GENERATED_ENTITY = 'AIGeneratedContent';

/** `channelData` that turns on the feedback buttons: both forms, for older and newer clients. */
export function aiAnswerChannelData(): { feedbackLoopEnabled: true; feedbackLoop: { type: 'default' } } {
  return { feedbackLoopEnabled: true, feedbackLoop: { type: 'default' } };
}

/** The AI label entity. */
export function aiGeneratedEntity(): Entity {
  return {
    type: 'https://schema.org/Message',
    '@type': 'Message',
    '@context': 'https://schema.org',
    '@id': '',
    additionalType: [AI_GENERATED_ENTITY],
  };
}

/**
 * Adds the AI label and the feedback buttons to an outgoing AI answer (keeps its other channelData and entities).
 * For a streamed answer, apply it to the final message only (`streamType: "final"`), as Teams expects.
 */
export function aiAnswerMarkers<T extends Partial<Activity>>(activity: T): T {
  const channelData = { ...(activity.channelData as Record<string, unknown> | undefined), ...aiAnswerChannelData() };
  const entities = [...(activity.entities ?? [])];
  if (!entities.some(isAiGeneratedEntity)) entities.push(aiGeneratedEntity());
  return { ...activity, channelData, entities };
}

/** True when an outgoing message carries the AI label: it is an AI answer, and users may rate it. */
export function isAiAnswer(activity: Partial<Activity>): boolean {
  return (activity.entities ?? []).some(isAiGeneratedEntity);
}

function isAiGeneratedEntity(entity: Entity | undefined): boolean {
  const types = (entity as { additionalType?: unknown } | undefined)?.additionalType;
  return Array.isArray(types) && types.includes(AI_GENERATED_ENTITY);
}
