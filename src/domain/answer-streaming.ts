/**
 * When an answer streams (README "Streaming"). Teams streams in personal chats only; group chats and channels show
 * one final message. Under `expectReplies` the replies travel in the HTTP response, so there is no stream to update
 * (and teams-ai's StreamingResponse would wait 1.5 s per chunk for nothing). SDK-free: the model asks it.
 */
export interface StreamFacts {
  /** The activity's `channelId` (`msteams` for Teams and the Agents Playground). */
  channelId: string | undefined;
  conversationType: 'personal' | 'groupChat' | 'channel' | 'unknown';
  /** Replies go through the Bot Connector (normal delivery), not into the HTTP response. */
  connectorDelivery: boolean;
  /** The operator's switch (`STREAMING`). */
  enabled: boolean;
}

export function streamsAnswer(facts: StreamFacts): boolean {
  return facts.enabled && facts.connectorDelivery && facts.conversationType === 'personal' && facts.channelId === 'msteams';
}

/**
 * What one activity of a streamed answer is, by teams-ai's StreamingResponse protocol (`channelData.streamType`):
 * `preview` for the partial texts sent while the model writes (typing activities), `final` for the message that
 * closes the stream and carries the whole answer. Undefined for anything else.
 */
export function streamPartOf(activity: { type?: string; channelData?: unknown }): 'preview' | 'final' | undefined {
  const streamType = (activity.channelData as { streamType?: unknown } | undefined)?.streamType;
  if (streamType === 'final' && activity.type === 'message') return 'final';
  if ((streamType === 'streaming' || streamType === 'informative') && activity.type === 'typing') return 'preview';
  return undefined;
}
