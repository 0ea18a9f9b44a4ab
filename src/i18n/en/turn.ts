/** What the bot says around an AI turn: input it cannot take, failures, notices. */
export default {
  tooLong:
    'Your message is {length, number} characters long; I can read up to {max, number}. Please shorten it or split it. It was not counted.',
  textOnly: 'I can only read text for now. Please type your question. (Nothing was counted.)',
  modelApology: 'Sorry, I could not get an answer just now. Please try again in a moment. This message was not counted.',
  failed: 'Sorry, something went wrong on my side. Please try again.',
  licenceWarning:
    'Your {product} licence needs attention (your organization’s subscription has a problem). You can keep chatting for now; please let your Microsoft 365 admin know.',
};
