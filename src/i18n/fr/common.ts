export default {
  askAdmin: 'Adressez-vous à l’administrateur de votre organisation.',
  seePlans: 'Voir les offres dans le navigateur',
  finishSetUp: 'Terminer la configuration dans le navigateur',
  manage: 'Gérer l’abonnement dans le navigateur',
  upgrade: 'Changer d’offre dans le navigateur',
  seats: '{count, plural, one {# siège} other {# sièges}}',
  dimension: {
    messages: 'Messages standard',
    premium_messages: 'Messages premium',
  },
  status: {
    Subscribed: 'Actif',
    PendingFulfillmentStart: 'En attente d’activation',
    NotStarted: 'En attente d’activation',
    Suspended: 'Suspendu (problème de facturation)',
    Unsubscribed: 'Résilié',
  },
};
