/** Avis aux administrateurs et aux utilisateurs, envoyés hors conversation, et commande `notifications` (src/notices/). */
export default {
  quota: {
    title: '{percent, number} % de vos {dimension, select, messages {messages standard} premium_messages {messages premium} other {{dimension}}} utilisés',
    body: 'Votre organisation a utilisé {used, number} des {included, number} {dimension, select, messages {messages standard} premium_messages {messages premium} other {{dimension}}} inclus pour cette période (jusqu’au {periodEnd}).',
    full: 'Au-delà de l’allocation, les messages sont refusés jusqu’à la prochaine période, sauf changement d’offre.',
    overage: 'Au-delà de l’allocation, la consommation est facturée en dépassement au prix de votre offre.',
    mobile: 'Pour changer d’offre, ouvrez Teams sur un ordinateur ou adressez-vous à la personne qui gère l’abonnement.',
  },
  seatsFull: {
    title: 'Tous les sièges sont attribués',
    body: '{name} a voulu utiliser {product}, mais {seats, plural, one {le seul siège est attribué} other {les # sièges sont attribués}}. Libérez un siège avec « seats revoke » ou ajoutez des sièges à l’abonnement.',
    someone: 'Quelqu’un',
  },
  suspended: {
    title: 'Votre abonnement est suspendu',
    body: 'Votre abonnement à {product} est suspendu, en général à cause d’un problème de paiement : personne dans votre organisation ne peut l’utiliser tant qu’il n’est pas réglé. Vos données sont conservées.',
    mobile: 'Vérifiez le paiement depuis un ordinateur ou adressez-vous à la personne qui gère l’abonnement.',
  },
  ending: {
    title: 'Votre abonnement se termine bientôt',
    body: 'Votre abonnement à {product} ne sera pas renouvelé : il se termine dans {days, plural, one {# jour} other {# jours}} (le {endDate}).',
  },
  trialEnding: {
    title: 'Votre essai gratuit se termine bientôt',
    body: 'Votre essai gratuit de {product} se termine dans {days, plural, one {# jour} other {# jours}} (le {endDate}).',
  },
  seat: {
    given: 'Un siège vous a été attribué : vous pouvez maintenant discuter avec {product}.',
    lost: 'Un administrateur vous a retiré votre siège de {product}. Adressez-vous à lui si vous en avez encore besoin.',
  },
  turnOff: 'Pour ne plus recevoir ces messages : « notifications off {kind} ».',
  kind: {
    quota: 'allocation consommée (80 % et 100 %)',
    seats: 'tous les sièges attribués',
    subscription: 'abonnement suspendu ou bientôt terminé',
    trial: 'fin de l’essai gratuit',
    'seat-changes': 'utilisateurs prévenus quand ils reçoivent ou perdent un siège',
  },
  command: {
    title: 'Notifications',
    intro: 'Ce que les administrateurs de votre organisation (et les utilisateurs, pour leur siège) reçoivent dans Teams :',
    on: 'activé',
    off: 'désactivé',
    hint: 'Désactivez-en une avec « notifications off quota » (ou seats, subscription, trial, seat-changes), réactivez-la avec « notifications on … ».',
    changed: '{state, select, on {Activé} other {Désactivé}} : {label}.',
    unknownKind: 'Je connais ces types : quota, seats, subscription, trial, seat-changes. Par exemple : « notifications off quota ».',
    adminsOnly: 'Seuls les administrateurs de votre organisation peuvent modifier les notifications.',
    noTenant: 'Je n’ai pas pu identifier votre organisation ou votre compte.',
  },
};
