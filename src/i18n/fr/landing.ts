export default {
  footer:
    'Les abonnements se gèrent sur la place de marché commerciale de Microsoft et dans le centre d’administration Microsoft 365.',
  signedInAs: 'Connecté en tant que {who}',
  signOut: 'Se déconnecter',
  details: {
    subscription: 'Abonnement',
    offer: 'Produit',
    plan: 'Offre',
    seats: 'Utilisateurs (sièges)',
    purchasedBy: 'Acheté par',
    unknown: 'inconnu',
    organization: 'Pour l’organisation',
    tenant: '(locataire {tenantId})',
    status: 'Statut',
    price: '{plan} — {price} par mois',
    pricePerUser: '{plan} — {price} par mois et par utilisateur',
  },
  purchase: {
    title: 'Activez votre abonnement',
    lead: 'Merci d’avoir choisi {product}. Vérifiez les informations ci-dessous, puis activez : la facturation commence à l’activation.',
    activate: 'Activer',
  },
  activated: {
    title: 'Abonnement actif',
    heading: 'Tout est prêt',
    lead: 'Votre abonnement est actif. Tout le monde dans votre organisation peut maintenant discuter avec {product} dans Microsoft Teams.',
    openInTeams: 'Ouvrir dans Teams',
    firstSteps: 'Premiers pas',
    step1:
      'Ouvrez l’application dans Teams (bouton ci-dessus) et ajoutez-la pour vous, ou demandez à votre administrateur Teams de la mettre à disposition de votre organisation.',
    step2: 'Posez-lui vos questions dans une conversation. Tapez {help} pour voir les commandes.',
    step3: '{note} {usage} affiche la consommation du mois, {adminsAdd} désigne d’autres administrateurs.',
    step3Seats:
      '{note} {usage} affiche la consommation du mois, {adminsAdd} désigne d’autres administrateurs, {seats} gère qui dispose d’un siège.',
    helpCommand: 'aide',
    youAreAdmin: 'Vous êtes administrateur de l’application dans votre organisation :',
    purchaserIsAdmin: 'L’acheteur ({purchaser}) est administrateur de l’application et peut vous nommer administrateur. Les administrateurs utilisent :',
    askPurchaser: 'Les administrateurs de l’application (demandez à l’acheteur) utilisent :',
  },
  pending: {
    title: 'Activation en cours',
    lead: 'La Marketplace a accepté l’activation et la finalise. Cela prend généralement moins d’une minute.',
    checkAgain: 'Vérifier à nouveau',
  },
  manage: {
    title: 'Votre abonnement',
    period: 'Cette période de facturation',
    periodDates: 'Du {start} au {end}, {days, plural, one {# jour restant} other {# jours restants}}',
    messages: 'Messages',
    used: 'Utilisés',
    included: 'Inclus',
    beyond: 'Au-delà du forfait',
    unlimited: 'Illimité',
    hardCap: 'Non disponible (plafond strict)',
    overage: '{units, number} ({amount})',
    changes:
      'Pour changer d’offre ou de nombre d’utilisateurs, ou pour résilier, utilisez le centre d’administration Microsoft 365 ou le portail Azure, là où l’abonnement a été acheté.',
    statement: {
      heading: 'Relevé de consommation',
      lead: 'Pour votre service financier : messages inclus et utilisés, dépassements par jour avec les identifiants d’utilisation de la Marketplace, montant estimé, et changements d’offre et de nombre d’utilisateurs de cette période de facturation.',
      open: 'Ouvrir le relevé de consommation',
      csv: 'Télécharger le CSV',
      pdf: 'Télécharger le PDF',
      validFor:
        'Ces liens sont valables {minutes, plural, one {# minute} other {# minutes}} ; rechargez cette page pour en obtenir de nouveaux. Seuls les administrateurs de l’application dans votre organisation les voient.',
    },
  },
  status: {
    suspendedTitle: 'Abonnement suspendu',
    cancelledTitle: 'Abonnement résilié',
    suspendedHeading: 'Cet abonnement est suspendu',
    cancelledHeading: 'Cet abonnement a été résilié',
    suspended:
      'Il y a un problème de facturation. Vérifiez le moyen de paiement dans le centre d’administration Microsoft 365 ; tout fonctionne à nouveau dès que la facturation est réglée. Vos données sont conservées.',
    cancelled:
      'Pour utiliser à nouveau l’application, achetez un nouvel abonnement sur la Marketplace. Les données de l’abonnement résilié sont conservées pendant un certain temps.',
  },
  providerSaid: 'La connexion Microsoft a répondu :',
  adminConsentLink: 'Lien pour votre administrateur',
};
