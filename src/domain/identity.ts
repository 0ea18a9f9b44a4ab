/** Who is speaking, taken from a validated inbound activity. Never keyed on the Teams-specific `from.id`. */
export interface TurnIdentity {
  /** Entra tenant of the conversation (`conversation.tenantId`, falling back to `channelData.tenant.id`). */
  tenantId: string | undefined;
  /** Entra object id of the user (`from.aadObjectId`): stable across chats and clients. */
  userId: string | undefined;
  /** Display name as Teams shows it; kept for admins' views, never used as a key. */
  userName: string | undefined;
  conversationType: 'personal' | 'groupChat' | 'channel' | 'unknown';
  conversationId: string | undefined;
  activityId: string | undefined;
}
