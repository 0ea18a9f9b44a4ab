export default {
  what: 'Un assistant IA pour Microsoft Teams, vendu en SaaS sur la Marketplace Azure. Ce serveur répond à Teams, au webhook et à la page d’atterrissage de la Marketplace, et facture les dépassements via l’API de facturation à l’usage de la Marketplace.',
  console: 'Console de l’éditeur',
  consoleHint: 'abonnements, revenus, consommation et facturation (opérateurs uniquement)',
  emulator: 'Émulateur de la Marketplace',
  emulatorHint: 'acheter, suspendre ou changer de plan en local (développement uniquement)',
  healthJson: 'État de santé (JSON)',
  healthy: 'En service ; sa base {store} répond.',
  unhealthy: 'Sa base {store} ne répond pas.',
};
