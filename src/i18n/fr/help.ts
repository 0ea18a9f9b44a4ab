export default {
  title: '{product} : aide',
  welcomeTitle: 'Bonjour, je suis {product}',
  what: 'Posez-moi vos questions en langage courant : questions, brouillons, résumés, idées. Dans une conversation de groupe ou un canal, mentionnez-moi avec @.',
  ai: 'Mes réponses sont générées par une IA et peuvent être fausses ou incomplètes : vérifiez tout ce qui est important avant de vous y fier.',
  provider:
    '{provider, select, openai {Les réponses viennent des modèles d’OpenAI.} azure {Les réponses viennent de modèles OpenAI exécutés dans Microsoft Azure (Azure OpenAI).} compatible {Les réponses viennent d’un serveur de modèles compatible OpenAI exploité par l’éditeur.} other {Cette installation utilise un modèle de développement hors ligne : ses réponses sont des exemples préparés, pas une vraie IA.}}',
  subscription:
    'Je travaille pour les organisations abonnées à {product} : un administrateur de l’organisation souscrit une fois, puis chacun peut discuter avec moi.',
  welcomeNext: 'Tapez « aide » pour voir ce que je sais faire. Les administrateurs peuvent taper « usage » pour suivre la consommation du mois.',
  tryThese: 'Essayez par exemple :',
  starters: {
    email: { label: 'Rédiger un e-mail', prompt: 'Rédigez un court e-mail aimable pour reporter la réunion de vendredi à la semaine prochaine' },
    explain: { label: 'Expliquer une notion', prompt: 'Expliquez en trois phrases la différence entre un budget et une prévision' },
    ideas: { label: 'Trouver des idées', prompt: 'Donnez-moi cinq idées d’activités de cohésion d’équipe d’une heure' },
  },
  state: {
    active: 'Chaque réponse est décomptée du forfait mensuel de votre organisation. Les commandes ne sont jamais décomptées.',
    none:
      'Votre organisation n’est pas encore abonnée. Un administrateur de votre organisation Microsoft 365 souscrit une offre sur Microsoft AppSource ; ensuite, tout le monde ici peut discuter avec moi.',
    ended: 'L’abonnement de votre organisation a pris fin. Un administrateur de votre organisation Microsoft 365 peut se réabonner.',
    pending: 'L’abonnement de votre organisation est presque prêt : la personne qui l’a acheté doit terminer la configuration.',
    suspended: 'L’abonnement de votre organisation est suspendu en raison d’un problème de facturation. Vos données sont conservées.',
    'no-tenant':
      'Je fonctionne au sein d’une organisation Microsoft 365 : discutez avec moi depuis Teams, en vous connectant avec votre compte professionnel ou scolaire.',
  },
  commands: 'Commandes',
  help: 'Cette carte (aussi « aide », « bonjour » ou « salut »)',
  everyone: {
    newChat: 'Repartir de zéro : j’oublie cette conversation (aussi « nouvelle conversation »)',
    support: 'Demander de l’aide à l’éditeur : tapez « support » puis votre demande ; un ticket est ouvert',
    tickets: 'Vos tickets de support ; « ticket 12 » en affiche un, « ticket 12 » suivi d’un message y répond',
  },
  adminTitle: 'Commandes d’administration',
  admin: {
    usage: 'Cette période : consommé et inclus, dépassement, jours restants',
    stats: 'Messages par jour (14 jours) et principaux utilisateurs de la période',
    plan: 'Votre offre, ce qu’elle inclut, les autres offres',
    seats: 'Qui dispose d’un siège.',
    admins: 'Qui gère cette application ici.',
    notifications: 'Les avis que vous recevez ; « notifications off quota » en désactive un type',
  },
  operatorTitle: 'Commandes d’exploitation (éditeur)',
  operator: {
    metering: 'Relevés de consommation par statut, ce qui demande votre attention, dépassements facturés cette période.',
    subscriptions: 'Tous les abonnements par statut et par offre, les plus récents',
    revenue: 'Abonnements et dépassements de cette période',
    billed: 'Ce que la Marketplace a facturé face à ce qui a été envoyé, selon la dernière comparaison quotidienne',
    reports: 'Les derniers signalements de contenu (👎 avec un commentaire sur une réponse IA)',
    alerts: 'Les alertes récentes ; « alerts here » les envoie dans cette conversation, « alerts off » les arrête',
    desk: 'Tickets de support : « desk 12 », « desk 12 answer » puis la réponse, « desk 12 close », « desk stats »',
    statement: 'Un relevé de consommation : « statement » puis un identifiant d’abonnement',
  },
};
