/** Conversation history and streamed answers (src/bot/history/, src/bot/models/openai-chat-model.ts). */
export default {
  resetDone: 'Done: I have forgotten our conversation so far. Your next message starts a new chat. (Commands are never counted.)',
  resetNothing: 'There was nothing to forget: your next message starts a new chat. (Commands are never counted.)',
  historyOff: 'I do not keep a conversation history here: each message already stands alone. (Commands are never counted.)',
  streamInterrupted: '(The answer was interrupted. It was not counted: please ask again.)',
};
