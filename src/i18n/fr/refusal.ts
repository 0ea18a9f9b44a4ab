export default {
  noTenantTitle: '{product} fonctionne au sein d’une organisation Microsoft 365',
  noTenant: 'Discutez avec moi depuis Microsoft Teams, en vous connectant avec votre compte professionnel ou scolaire.',
  noUserTitle: 'Je n’ai pas pu identifier votre compte',
  noUser: 'Connectez-vous à Microsoft Teams avec votre compte professionnel ou scolaire pour discuter avec moi.',
  endedTitle: 'L’abonnement de votre organisation a pris fin',
  ended:
    'Vos données sont conservées pour le moment. Pour utiliser à nouveau l’assistant, votre administrateur Microsoft 365 peut se réabonner.',
  noneTitle: 'Votre organisation n’est pas encore abonnée à {product}',
  none: 'Pour commencer, votre administrateur Microsoft 365 peut souscrire une offre sur la place de marché commerciale de Microsoft.',
  pendingTitle: 'Votre abonnement est presque prêt',
  pending: 'La personne qui l’a acheté doit terminer la configuration sur la page d’activation. Cela ne prend qu’une minute.',
  suspendedTitle: 'L’abonnement de votre organisation est suspendu',
  suspended:
    'Il y a un problème de facturation sur l’abonnement. Demandez à votre administrateur Microsoft 365 de vérifier le moyen de paiement. Vos données sont conservées et tout fonctionne à nouveau dès que la facturation est réglée.',
  unknownPlanTitle: 'Votre offre n’a pas pu être chargée',
  unknownPlan: 'La configuration de l’offre de votre organisation présente un problème. Veuillez contacter le support.',
  seatRemovedTitle: 'Votre siège vous a été retiré',
  seatRemoved: 'Un administrateur de votre organisation a repris votre siège. Demandez-lui de vous le réattribuer.',
  noSeatTitle: 'Aucun siège n’est disponible pour vous',
  noSeat:
    '{seats, plural, one {Le seul siège} other {Les # sièges}} de l’offre de votre organisation {seats, plural, one {est occupé} other {sont tous occupés}}. Demandez à un administrateur de vous attribuer un siège ou d’en ajouter.',
  quotaTitle:
    'Votre organisation a utilisé tous ses {dimension, select, premium_messages {messages premium} other {messages standard}} pour cette période',
  quota:
    'L’offre {plan} inclut {included, number} {dimension, select, premium_messages {messages premium} other {messages standard}} par mois. Le forfait se renouvelle le {renews}.',
  quotaUpgrade: 'Un administrateur peut changer d’offre pour continuer dès maintenant.',
  quotaAskAdmin: 'Pour continuer dès maintenant, adressez-vous à l’administrateur de votre organisation.',
  used: 'Utilisés',
  usedOf: '{used, number} sur {included, number}',
  renews: 'Renouvellement',
  licenceUnreachableTitle: 'Je n’ai pas pu vérifier votre licence pour le moment',
  licenceUnreachable:
    'Microsoft n’a pas répondu quand j’ai vérifié votre licence : je n’ai donc pas répondu (et rien n’a été décompté). Réessayez dans quelques minutes.',
  licenceTitle:
    '{state, select, none {Vous n’avez pas de licence {product}} inactive {Votre licence {product} est inactive} suspended {Votre licence {product} est suspendue} other {Votre licence {product} n’est pas utilisable}}',
  licence:
    'Les licences de cette offre sont gérées par Microsoft. Un administrateur de votre organisation doit vous attribuer une licence dans le centre d’administration Microsoft 365 (Facturation › Licences).',
  adminCenter: 'Centre d’administration Microsoft 365 dans le navigateur',
};
