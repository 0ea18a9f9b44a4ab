/** What the user sees when moderation stops a message or an answer (src/bot/moderation/). */
export default {
  inputFlagged:
    'I can’t help with that message: the content safety check flagged it. Please rephrase it. It was not counted.',
  inputUnavailable:
    'I couldn’t run the content safety check on your message just now, so it did not go to the AI. Please try again in a moment. It was not counted.',
  outputFlagged:
    'I wrote an answer, but the content safety check withheld it. Please rephrase your question. This message was not counted.',
  outputUnavailable:
    'I couldn’t run the content safety check on my answer just now, so I withheld it. Please try again in a moment. This message was not counted.',
};
