export default {
  needsMarketplaceLink: {
    title: 'Ouvrez cette page depuis la Marketplace',
    message: 'Cette page a besoin du lien que la Marketplace vous donne après un achat.',
    advice:
      'Rendez-vous dans le centre d’administration Microsoft 365 (ou le portail Azure), trouvez votre abonnement et choisissez « Configurer le compte » ou « Gérer le compte ».',
  },
  expiredLink: {
    title: 'Ce lien a expiré',
    message:
      'Le lien d’activation n’est plus valide (les liens de la Marketplace durent environ une journée) ou n’a pas pu être lu.',
    advice:
      'Rouvrez-le : dans le centre d’administration Microsoft 365 (ou le portail Azure), trouvez votre abonnement et choisissez à nouveau « Configurer le compte ».',
  },
  formExpired: {
    title: 'Ce formulaire a expiré',
    message: 'Pour votre sécurité, nous n’avons pas pu accepter cette demande.',
    advice: 'Rouvrez le lien de la Marketplace et cliquez sur Activer.',
  },
  marketplaceDown: {
    title: 'Un problème est survenu',
    message: 'Nous n’avons pas pu joindre la Marketplace pour le moment.',
    advice: 'Réessayez dans une minute. Si le problème persiste, contactez le support.',
  },
  signInDown: {
    title: 'La connexion Microsoft ne répond pas',
    message: 'Nous n’avons pas pu joindre la connexion Microsoft pour le moment : nous ne pouvons donc pas confirmer votre identité.',
    advice: 'Rien n’a été modifié. Réessayez dans quelques minutes avec le lien de la Marketplace.',
  },
  signInNotConfirmed: {
    title: 'La connexion n’a pas abouti',
    message:
      'Nous n’avons pas pu confirmer votre connexion : elle a été commencée dans un autre navigateur ou onglet, a pris trop de temps ou a déjà été utilisée.',
    advice: 'Rouvrez le lien de la Marketplace pour recommencer.',
  },
  consentGranted: {
    title: 'Merci : votre organisation a approuvé l’application',
    message: 'Les membres de votre organisation peuvent maintenant se connecter à cette page.',
    advice: 'Rouvrez le lien de la Marketplace (ou renvoyez-le à la personne qui vous l’a demandé) pour terminer la configuration.',
  },
  signedOut: {
    title: 'Vous êtes déconnecté',
    message: 'Vous êtes déconnecté de cette page.',
    advice:
      'Pour continuer avec un autre compte, rouvrez le lien de la Marketplace et choisissez ce compte. Pour vous déconnecter de Microsoft partout, déconnectez-vous aussi de Microsoft 365.',
  },
  notYourSubscription: {
    title: 'Cet abonnement appartient à une autre organisation',
    message:
      'Vous êtes connecté en tant que {user}. Seuls l’acheteur et les personnes qui se connectent avec {who} peuvent voir et activer cet abonnement.',
    whoOf: 'un compte professionnel de {organizations}',
    whoAny: 'un compte professionnel de l’organisation qui l’a acheté',
    or: ' ou ',
    advice:
      'Déconnectez-vous, rouvrez le lien et choisissez un compte professionnel de cette organisation, ou envoyez le lien à l’acheteur. Rien n’a été affiché ni modifié.',
  },
  activationNotPossible: {
    title: 'L’activation n’a pas été possible',
    unknownSubscription: 'Cet abonnement est inconnu ici. Rouvrez le lien de la Marketplace.',
    notActive: 'Cet abonnement est {status, select, Suspended {suspendu} other {résilié}} et ne peut pas être activé.',
    planNotOffered: 'L’offre {planId} du produit {offerId} n’est pas proposée par cette application. Veuillez contacter le support.',
    noOffer: '(aucun)',
    marketplaceRefused: 'La Marketplace a refusé l’activation. Rouvrez le lien de la Marketplace.',
    advice: 'Si vous pensez qu’il s’agit d’une erreur, contactez le support en indiquant le nom de l’abonnement.',
  },
  signIn: {
    'admin-consent': {
      title: 'Votre organisation doit d’abord approuver cette application',
      message:
        'Votre organisation n’autorise que les applications approuvées par un administrateur. L’approbation permet à l’application de lire votre nom et votre identifiant de connexion, rien d’autre.',
      advice:
        'Demandez à un administrateur général ou à un administrateur d’applications cloud de votre organisation d’ouvrir une fois le lien ci-dessous, d’approuver, puis rouvrez le lien de la Marketplace.',
    },
    cancelled: {
      title: 'La connexion a été annulée',
      message: 'La connexion a été annulée ou refusée : nous ne pouvons donc pas afficher l’abonnement.',
      advice: 'Rouvrez le lien de la Marketplace quand vous êtes prêt, et acceptez la connexion.',
    },
    'account-not-allowed': {
      title: 'Ce compte ne peut pas être utilisé ici',
      message:
        'Cette page demande un compte professionnel ou scolaire de l’organisation qui a acheté l’abonnement ; les comptes Microsoft personnels et les comptes que votre organisation bloque pour cette application ne peuvent pas être utilisés.',
      advice:
        'Rouvrez le lien de la Marketplace et choisissez votre compte professionnel, ou demandez à votre administrateur de vous donner accès.',
    },
    'app-misconfigured': {
      title: 'La connexion n’est pas correctement configurée',
      message: 'Microsoft a refusé la connexion à cause d’un problème de notre côté.',
      advice:
        'Contactez notre support en indiquant ce que Microsoft a répondu ci-dessous. Rien n’a été modifié sur votre abonnement.',
    },
    other: {
      title: 'La connexion n’a pas abouti',
      message: 'La connexion Microsoft n’a pas pu aboutir.',
      advice:
        'Rouvrez le lien de la Marketplace pour réessayer. Si le problème persiste, contactez le support en indiquant ce que Microsoft a répondu ci-dessous.',
    },
  },
};
