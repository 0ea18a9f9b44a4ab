import type { SameShape } from '../catalog';
import type en from '../en/consoleShell';

export default {
  title: 'Console de l’éditeur',
  nav: {
    label: 'Sections de la console',
    overview: 'Vue d’ensemble',
    subscriptions: 'Abonnements',
    metering: 'Facturation à l’usage',
    billed: 'Facturé / envoyé',
    operations: 'Opérations',
  },
  signOut: 'Se déconnecter',
  devBanner:
    'Connexion de développement : vous êtes l’opérateur de l’Agents Playground. Cette connexion n’existe pas en production.',
  signInTitle: '{product} : console de l’éditeur',
  signInLede: 'Abonnements, revenus, consommation et facturation de tous les clients. Réservée aux opérateurs de l’éditeur.',
  signInEntra: 'Se connecter avec Microsoft',
  devOnlyTitle: 'Développement uniquement.',
  devOnlyText:
    'Vous connecte en tant qu’opérateur de l’Agents Playground, sans fournisseur d’identité. La production refuse de démarrer avec cette option.',
  devSignIn: 'Se connecter comme opérateur du Playground',
  devUserName: 'Opérateur du Playground (développement)',
  noSignIn:
    'Aucune connexion n’est configurée : définissez LANDING_SSO_CLIENT_ID (Entra ID) ou, sur un poste de développement, CONSOLE_DEV_SIGN_IN=true.',
  forbiddenTitle: 'Vous n’êtes pas opérateur',
  forbiddenText:
    'Vous êtes connecté, mais ce compte ne fait pas partie des opérateurs de l’éditeur (OPERATOR_IDS, ou le rôle d’application de la console dans le locataire de l’éditeur).',
  signInOther: 'Se connecter avec un autre compte',
  formExpiredTitle: 'Ce formulaire a expiré',
  formExpiredText: 'Rien n’a été modifié. Revenez en arrière, rechargez la page et réessayez.',
  signInAgain: 'Se reconnecter',
  signInDownTitle: 'La connexion Microsoft est indisponible',
  signInDownText: 'Le fournisseur d’identité est injoignable. Réessayez dans quelques minutes.',
  signInFailedTitle: 'La connexion n’a pas abouti',
  signInFailedText: 'La réponse du fournisseur d’identité n’a pas pu être vérifiée. Veuillez vous reconnecter.',
  signedOutTitle: 'Déconnecté',
  signedOutText: 'Vous êtes déconnecté de la console de l’éditeur.',
  notFoundTitle: 'Introuvable',
  notFoundText: 'Il n’y a rien à cette adresse.',
  billedPlaceholder:
    'La comparaison entre ce que la Marketplace a facturé (ses événements d’usage) et ce que le worker de facturation a envoyé n’est pas encore branchée dans ce déploiement.',
  pager: {
    label: 'Pages',
    previous: '← Précédent',
    next: 'Suivant →',
    showing: '{from} à {to} sur {total}',
  },
  status: {
    NotStarted: 'Non démarré',
    PendingFulfillmentStart: 'En attente d’activation',
    Subscribed: 'Abonné',
    Suspended: 'Suspendu',
    Unsubscribed: 'Résilié',
    Open: 'Ouverte',
    InFlight: 'Envoi en cours',
    Retry: 'Nouvel essai',
    Held: 'En attente',
    Accepted: 'Acceptée',
    Expired: 'Expirée',
    Conflict: 'Conflit',
    Failed: 'Échec',
    Resolved: 'Résolue',
    Applied: 'Appliquée',
    Rejected: 'Refusée',
    Ignored: 'Ignorée',
  },
} satisfies SameShape<typeof en>;
