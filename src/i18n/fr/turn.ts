export default {
  tooLong:
    'Votre message compte {length, number} caractères ; je peux en lire jusqu’à {max, number}. Raccourcissez-le ou découpez-le. Il n’a pas été décompté.',
  textOnly: 'Je ne sais lire que du texte pour le moment. Tapez votre question. (Rien n’a été décompté.)',
  modelApology:
    'Désolé, je n’ai pas pu obtenir de réponse pour le moment. Réessayez dans un instant. Ce message n’a pas été décompté.',
  failed: 'Désolé, quelque chose s’est mal passé de mon côté. Veuillez réessayer.',
  licenceWarning:
    'Votre licence {product} demande votre attention (l’abonnement de votre organisation rencontre un problème). Vous pouvez continuer à discuter pour l’instant ; prévenez votre administrateur Microsoft 365.',
};
