/** The home page `/`. */
export default {
  what: 'An AI assistant for Microsoft Teams, sold as a SaaS offer on Azure Marketplace. This server answers Teams, the Marketplace’s webhook and landing page, and bills overage through the Marketplace Metering API.',
  console: 'Publisher console',
  consoleHint: 'subscriptions, revenue, usage and metering (operators only)',
  emulator: 'Marketplace emulator',
  emulatorHint: 'buy, suspend or change plans locally (development only)',
  healthJson: 'Health check (JSON)',
  healthy: 'Running; its {store} database answers.',
  unhealthy: 'Its {store} database does not answer.',
};
