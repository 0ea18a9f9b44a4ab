import type { SameShape } from '../catalog';
import type en from '../en/reports';

/** La carte `reports` des opérateurs : les signalements de contenu (un 👎 avec un commentaire sur une réponse de l’IA). */
const reports: SameShape<typeof en> = {
  title: 'Signalements de contenu',
  intro:
    '{count, plural, =0 {Aucun signalement pour l’instant.} one {Le signalement le plus récent (un 👎 avec un commentaire sur une réponse de l’IA).} other {Les # signalements les plus récents (un 👎 avec un commentaire sur une réponse de l’IA), du plus récent au plus ancien.}}',
  heading: '{when} · locataire {tenantId}',
  comment: '👎 « {comment} »',
  answer: 'Réponse évaluée : « {text} »',
  subscription: 'Abonnement {subscriptionId}',
  noSubscription: 'Sans abonnement',
  answerId: 'id de la réponse {replyId}',
  more: 'Les signalements plus anciens sont conservés eux aussi ; la console web les affiche tous.',
  retention: 'Les avis sont conservés {days, plural, one {# jour} other {# jours}} ; le texte des réponses évaluées (seulement avec STORE_MESSAGE_TEXT) {textDays, plural, one {# jour} other {# jours}}.',
};
export default reports;
