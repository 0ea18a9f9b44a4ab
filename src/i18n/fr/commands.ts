export default {
  hints: {
    seats: 'Tapez « seats assign » ou « seats revoke » suivi d’un nom, d’un ID d’objet Entra ou d’une @mention.',
    admins: 'Tapez « admins add » ou « admins remove » suivi d’un nom, d’un ID d’objet Entra ou d’une @mention.',
    metering:
      'Renvoyer une heure en échec : « metering resend » suivi de son numéro. Clore une heure en échec ou en conflit : « metering resolve » suivi de son numéro et d’une note.',
  },
  unknown: 'Je ne connais pas la commande « {word} ». Tapez « aide » pour voir ce que je sais faire.',
  noSubscription:
    'Votre organisation n’a pas encore d’abonnement : il n’y a rien à afficher. Tapez « aide » pour savoir comment s’abonner.',
  noIdentity: 'Je n’ai pas pu identifier votre organisation ou votre compte : je ne peux donc pas exécuter les commandes d’administration.',
  adminsOnly:
    'Désolé, « {command} » est réservé aux administrateurs de {product} dans votre organisation. Demandez à l’un d’eux, ou à la personne qui a souscrit l’abonnement, de l’exécuter ou de vous ajouter comme administrateur.',
  operatorsOnly: 'Désolé, « {command} » est réservé aux opérateurs de l’éditeur. Tapez « aide » pour voir ce que vous pouvez faire.',
  planMissing: 'Votre offre ({planId}) ne figure pas au catalogue. Veuillez contacter le support.',
  seats: {
    notPerUser:
      'Votre offre {plan} n’est pas facturée par utilisateur : tout le monde dans votre organisation peut discuter, sans siège.',
    microsoftManaged:
      'Les licences de votre offre {plan} sont gérées par Microsoft : attribuez-les aux utilisateurs dans le centre d’administration Microsoft 365 (Facturation › Licences, {url}). La licence de chacun est vérifiée quand il discute avec moi.',
    usage: 'Tapez « seats » pour voir qui dispose d’un siège.',
    full: '{capacity, plural, one {Le seul siège est occupé} other {Les # sièges sont tous occupés}}. Libérez d’abord un siège, ou ajoutez des sièges à l’abonnement.',
    already: '{name} dispose déjà d’un siège.',
    assigned: '{name} dispose maintenant d’un siège.',
    revoked: '{name} n’a plus de siège. Seul un administrateur peut le lui rendre.',
    hadNone: '{name} n’avait pas de siège.',
  },
  admins: {
    usage: 'Tapez « admins » pour voir qui gère cette application ici.',
    added: '{name} est maintenant administrateur.',
    alreadyAdmin: '{name} était déjà administrateur.',
    notYourself: 'Vous ne pouvez pas vous retirer vous-même. Demandez à un autre administrateur de le faire.',
    removed: '{name} n’est plus administrateur.',
    wasNot: '{name} n’était pas administrateur (les acheteurs restent administrateurs).',
  },
  who: {
    oneAtATime: 'Mentionnez une seule personne à la fois.',
    whom: 'De qui s’agit-il ? Ajoutez un nom, un ID d’objet Entra ou une @mention.',
    tooLong: 'Ce nom est trop long.',
    several: 'Plusieurs personnes s’appellent « {name} ». Utilisez plutôt son ID d’objet Entra.',
    unknown:
      'Je ne connais encore personne du nom de « {name} » (les personnes apparaissent ici après avoir discuté avec moi). Utilisez son ID d’objet Entra ou une @mention.',
  },
  metering: {
    noteNeeded: 'Indiquez pourquoi : « metering resolve » suivi du numéro de l’heure, puis d’une note.',
    notFound: 'Il n’y a pas d’heure relevée n° {id}.',
    notFailed: 'L’heure n° {id} n’est pas en échec : il n’y a rien à renvoyer.',
    notResolvable: 'L’heure n° {id} n’est ni en échec ni en conflit : il n’y a rien à clore.',
    resent:
      'L’heure n° {id} sera renvoyée au prochain passage du worker (reportée sur l’heure en cours si elle est alors trop ancienne).',
    resolved: 'L’heure n° {id} est marquée comme close, avec votre note.',
  },
};
