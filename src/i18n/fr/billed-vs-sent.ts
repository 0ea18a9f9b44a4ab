/** Facturé / envoyé : la carte `billed` de l’opérateur et la section de la console (issue 12, partie 5). */
export default {
  title: 'Facturé / envoyé',
  intro: 'Ce que la Marketplace déclare par jour (GET /usageEvents), comparé aux heures que notre registre tient pour facturées.',
  outcome: {
    Match: 'Concordant',
    Pending: 'Pas encore traité',
    QuantityMismatch: 'Quantité différente',
    Rejected: 'Refusé par la Marketplace',
    MissingAtMarketplace: 'Absent de la Marketplace',
    MissingInLedger: 'Absent de notre registre',
  },
  status: {
    Running: 'en cours',
    Done: 'terminée',
    Failed: 'en échec',
  },
  card: {
    noRun:
      'Aucune comparaison pour l’instant. Le worker de facturation compare chaque jour à partir de {hour} h UTC ; « npm run billed-vs-sent » en lance une tout de suite.',
    lastRun: 'Dernière exécution le {when} UTC ({status}), jours du {firstDay} au {lastDay}',
    failed: 'Elle a échoué : {error}. La prochaine exécution compare à nouveau ces jours.',
    allMatch:
      'Aucun écart : chaque ligne déclarée par la Marketplace figure dans notre registre avec la même quantité, et réciproquement.',
    problems: '{count, plural, one {# ligne à examiner} other {# lignes à examiner}}',
    row: '{subscription} · {dimension} · offre {plan}',
    quantities: 'chez nous {ours}, Marketplace {theirs} ({status})',
    none: 'rien',
    more: '… et {count, plural, one {# autre} other {# autres}} dans la console.',
  },
  section: {
    heading: 'Facturé / envoyé',
    empty: 'Aucune comparaison sur cette période.',
    caption: 'Comparaisons, jour le plus récent en premier',
    day: 'Jour',
    subscription: 'Abonnement',
    dimension: 'Dimension',
    plan: 'Offre',
    outcome: 'Résultat',
    ours: 'Notre registre',
    submitted: 'Envoyé',
    processed: 'Traité',
    reconStatus: 'Statut Marketplace',
    hours: '{count, plural, one {# heure} other {# heures}}',
    counts: 'Décompte',
    problems: '{count, plural, =0 {Aucune ligne à examiner} one {# ligne à examiner} other {# lignes à examiner}}',
  },
};
