export default {
  resetDone:
    'C’est fait : j’ai oublié notre conversation jusqu’ici. Votre prochain message commence une nouvelle discussion. (Les commandes ne sont jamais décomptées.)',
  resetNothing:
    'Il n’y avait rien à oublier : votre prochain message commence une nouvelle discussion. (Les commandes ne sont jamais décomptées.)',
  historyOff:
    'Je ne garde pas d’historique de conversation ici : chaque message est déjà traité seul. (Les commandes ne sont jamais décomptées.)',
  streamInterrupted: '(La réponse a été interrompue. Elle n’a pas été décomptée : posez la question à nouveau.)',
};
