/**
 * The deployment side, checked without Teams or Azure: the Teams app manifest against the official 1.19 schema
 * (with every Toolkit placeholder filled as the Toolkit would), the icons' pixels, and cheap structural checks of
 * the Bicep and its parameters (a compile needs the Bicep CLI, which is not part of the test run).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/bot/commands/command-syntax';

const ROOT = path.resolve(__dirname, '..');
const readText = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const SCHEMA_FILE = 'node_modules/@microsoft/app-manifest/build/json-schemas/teams/v1.19/MicrosoftTeams.schema.json';

/** The Toolkit's placeholder syntax, `${{NAME}}`. */
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const placeholdersIn = (text: string) => [...new Set([...text.matchAll(PLACEHOLDER)].flatMap((m) => (m[1] === undefined ? [] : [m[1]])))];

/** A realistic value for every placeholder the manifest may use. */
const SAMPLES: Record<string, string> = {
  TEAMS_APP_ID: '8f0c7b1e-2d4a-4c59-9a1e-3b6f5d2c7e90',
  BOT_ID: '0d3a5f8e-6b1c-4e27-8f90-a1b2c3d4e5f6',
  BOT_DOMAIN: 'bot1a2b3c.azurewebsites.net',
  APP_NAME_SUFFIX: ' (dev)',
  PUBLISHER_NAME: 'Contoso',
  PUBLISHER_WEBSITE_URL: 'https://www.contoso.com',
  PRIVACY_URL: 'https://www.contoso.com/privacy',
  TERMS_OF_USE_URL: 'https://www.contoso.com/terms',
  MARKETPLACE_PUBLISHER_ID: 'contoso',
  MARKETPLACE_OFFER_ID: 'teams-ai-assistant',
};

/** Minimal dotenv reading (what the Toolkit's env files use): KEY=value, optional quotes, # comments. */
function readEnvFile(file: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of readText(file).split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    const [, key, raw] = m ?? [];
    if (key === undefined || raw === undefined || line.trimStart().startsWith('#')) continue;
    const quoted = /^(["'])(.*)\1$/.exec(raw);
    values.set(key, quoted?.[2] ?? raw.replace(/\s+#.*$/, ''));
  }
  return values;
}

/** Fills every placeholder; names without a value are reported, not left in. */
function substitute(text: string, values: Record<string, string>): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const out = text.replace(PLACEHOLDER, (_m, name: string) => {
    if (values[name] === undefined) missing.add(name);
    return values[name] ?? '';
  });
  return { text: out, missing: [...missing] };
}

function compileManifestSchema() {
  const schema = JSON.parse(readText(SCHEMA_FILE)) as Record<string, unknown>;
  // The file declares draft-04, which Ajv 8 does not ship, but uses nothing draft-04-specific (no boolean
  // exclusiveMinimum/Maximum, no `id`) and does use draft-06 `const`: it validates as draft-07.
  expect(JSON.stringify(schema)).not.toMatch(/"exclusive(Minimum|Maximum)"\s*:\s*(true|false)/);
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return { ajv, validate: ajv.compile(schema) };
}

interface Manifest {
  manifestVersion: string;
  icons: { color: string; outline: string };
  name: { short: string };
  bots: Array<{
    botId: string;
    scopes: string[];
    commandLists: Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }>;
  }>;
  subscriptionOffer?: { offerId: string };
  validDomains?: string[];
}

const MANIFEST_TEXT = readText('appPackage/manifest.json');
const ENVIRONMENTS = ['dev', 'local'] as const;
const ADMIN_COMMANDS = ['usage', 'stats', 'plan', 'seats', 'admins', 'help'];
/** The everyday commands everyone may use, offered in the personal chat's list. */
const EVERYDAY_COMMANDS = ['new chat', 'support', 'tickets'];
/** Support commands everyone may use without arguments (`ticket` needs a number; `desk`, `statement` are operators'). */
const EVERYDAY_SUPPORT: readonly string[] = ['support', 'tickets'];

/**
 * Who a manifest command is for, as the bot parses its title (the text Teams inserts): `admin` for the tenant
 * commands that check the admin role, `everyone` for `help`, the conversation's `new chat` and the support commands
 * every user has. `undefined` when parseCommand does not read the title as exactly that command (an operator
 * command, a typo, a title with arguments): such a title must not be in the manifest.
 */
function manifestCommandRole(title: string): 'admin' | 'everyone' | undefined {
  const parsed = parseCommand(title);
  const name = title.replace(/ /g, '-');
  if (!parsed || parsed.kind === 'unknown' || parsed.name !== name) return undefined;
  switch (parsed.kind) {
    case 'tenant':
      return parsed.name === 'help' ? 'everyone' : 'admin';
    case 'conversation':
      return 'everyone';
    case 'support':
      return EVERYDAY_SUPPORT.includes(parsed.name) ? 'everyone' : undefined;
    default:
      return undefined;
  }
}

describe('appPackage/manifest.json', () => {
  const { ajv, validate } = compileManifestSchema();

  function filled(values: Record<string, string>): Manifest {
    const { text, missing } = substitute(MANIFEST_TEXT, values);
    expect(missing, 'placeholders without a sample value').toEqual([]);
    expect(text).not.toMatch(PLACEHOLDER);
    return JSON.parse(text) as Manifest;
  }

  const cases: Array<[string, Record<string, string>]> = [
    ['sample values', SAMPLES],
    // Each environment's own values where it sets them (e.g. its APP_NAME_SUFFIX), samples for what provisioning fills.
    ...ENVIRONMENTS.map((env): [string, Record<string, string>] => {
      const own = Object.fromEntries([...readEnvFile(`env/.env.${env}`)].filter(([, v]) => v !== ''));
      return [`env/.env.${env}`, { ...SAMPLES, ...own }];
    }),
  ];

  it.each(cases)('is valid against the Teams 1.19 schema with %s', (_label, values) => {
    const manifest = filled(values);
    const valid = validate(manifest);
    if (!valid) console.error(ajv.errorsText(validate.errors, { separator: '\n' }), validate.errors);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(ENVIRONMENTS)('uses only placeholders declared in env/.env.%s', (env) => {
    // An undeclared variable would reach Teams as a literal "${{…}}"; keys filled during provisioning are declared empty.
    const declared = readEnvFile(`env/.env.${env}`);
    expect(placeholdersIn(MANIFEST_TEXT).filter((name) => !declared.has(name))).toEqual([]);
  });

  it('declares manifest 1.19, a conversational bot in every scope, the admin commands, everyone’s in personal chat, and the SaaS offer', () => {
    const manifest = filled(SAMPLES);
    expect(manifest.manifestVersion).toBe('1.19');
    expect(manifest.bots).toHaveLength(1);
    const [bot] = manifest.bots;
    if (!bot) throw new Error('the manifest declares no bot');
    expect(bot.botId).toBe(SAMPLES.BOT_ID);
    expect([...bot.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    for (const scope of bot.scopes) {
      const list = bot.commandLists.find((l) => l.scopes.includes(scope));
      expect(list, `command list for ${scope}`).toBeDefined();
      expect(list!.commands.map((c) => c.title)).toEqual(expect.arrayContaining(ADMIN_COMMANDS));
      // Teams shows at most 10 commands a list (the schema's maxItems, checked here too to say which list).
      expect(list!.commands.length, `commands for ${scope}`).toBeLessThanOrEqual(10);
    }
    const personal = bot.commandLists.find((l) => l.scopes.includes('personal'))!;
    expect(personal.commands.map((c) => c.title)).toEqual(expect.arrayContaining(EVERYDAY_COMMANDS));
    for (const command of bot.commandLists.flatMap((l) => l.commands)) {
      // Titles are what Teams inserts in the compose box: no slash or other prefix (a Teams Store rule), and each
      // one is a command to the bot as it stands (a tenant, conversation or support command), in any case.
      expect(command.title).toMatch(/^[a-z]+( [a-z]+)?$/);
      const role = manifestCommandRole(command.title);
      expect(role, command.title).toBeDefined();
      expect(parseCommand(command.title.toUpperCase()), command.title).toEqual(parseCommand(command.title));
      expect(command.description.length).toBeLessThanOrEqual(128);
      // The description says who may use it: admins' commands say so first, everyone's do not.
      if (role === 'admin') expect(command.description, command.title).toMatch(/^Admins only/);
      else expect(command.description, command.title).not.toMatch(/admins only/i);
    }
    expect(manifest.subscriptionOffer?.offerId).toBe(`${SAMPLES.MARKETPLACE_PUBLISHER_ID}.${SAMPLES.MARKETPLACE_OFFER_ID}`);
    expect(manifest.validDomains).toEqual([SAMPLES.BOT_DOMAIN]);
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });
});

describe('the app package speaks French too, and says what the AI does (Teams Store rules)', () => {
  const manifest = JSON.parse(MANIFEST_TEXT) as {
    name: { short: string; full: string };
    description: { short: string; full: string };
    localizationInfo?: { defaultLanguageTag: string; additionalLanguages?: { languageTag: string; file: string }[] };
    bots: Manifest['bots'];
  };
  const languages = manifest.localizationInfo?.additionalLanguages ?? [];

  it('declares English as the default and a French file that validates against the 1.19 localization schema', () => {
    expect(manifest.localizationInfo?.defaultLanguageTag).toBe('en-us');
    expect(languages).toEqual([{ languageTag: 'fr', file: 'fr.json' }]);
    const schema = JSON.parse(readText(SCHEMA_FILE.replace('MicrosoftTeams.schema.json', 'MicrosoftTeams.Localization.schema.json'))) as Record<
      string,
      unknown
    >;
    delete schema.$schema;
    // Its patterns (e.g. `activityTypes\[\b…\b]`) are ECMAScript regexes that the `u` flag rejects.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    for (const language of languages) {
      const text = readText(`appPackage/${language.file}`);
      // The Toolkit packs language files as they are: a placeholder would reach Teams as a literal "${{…}}".
      expect(text, language.file).not.toMatch(PLACEHOLDER);
      const valid = validate(JSON.parse(text));
      if (!valid) console.error(ajv.errorsText(validate.errors, { separator: '\n' }));
      expect(validate.errors ?? [], language.file).toEqual([]);
    }
  });

  it('translates every command description of the manifest, and only those', () => {
    const fr = JSON.parse(readText('appPackage/fr.json')) as Record<string, string>;
    const expected = manifest.bots[0]!.commandLists.flatMap((list, i) =>
      list.commands.map((_command, j) => `bots[0].commandLists[${i}].commands[${j}].description`),
    );
    expect(Object.keys(fr).filter((k) => k.startsWith('bots['))).toEqual(expected);
    for (const key of expected) expect(fr[key]!.length, key).toBeGreaterThan(20);
    // Translated in place: a French description says "admins only" exactly where the English one does.
    manifest.bots[0]!.commandLists.forEach((list, i) =>
      list.commands.forEach((command, j) => {
        const french = fr[`bots[0].commandLists[${i}].commands[${j}].description`]!;
        expect(french.startsWith('Réservé aux admins'), `${command.title}: ${french}`).toBe(command.description.startsWith('Admins only'));
      }),
    );
  });

  it('says, in both languages, what the assistant does, that answers are AI-generated and may be wrong, the model provider and the subscription', () => {
    const fr = JSON.parse(readText('appPackage/fr.json')) as Record<string, string>;
    const en = manifest.description.full;
    for (const [text, phrases] of [
      [en, [/generated by AI/, /can be wrong/, /OpenAI/, /Azure OpenAI Service/, /subscription of your organisation/, /reports inappropriate content/]],
      [fr['description.full']!, [/générées\s+par une IA/, /peuvent être fausses/, /OpenAI/, /Azure OpenAI/, /abonnement de votre organisation/, /signale un contenu inapproprié/]],
    ] as const) {
      for (const phrase of phrases) expect(text).toMatch(phrase);
    }
  });

  it('names the app without a Microsoft product name', () => {
    const fr = JSON.parse(readText('appPackage/fr.json')) as Record<string, string>;
    const productNames = /\b(Microsoft|Teams|Office|Outlook|Copilot|Skype|Windows|Azure|365)\b/i;
    for (const name of [manifest.name.short, manifest.name.full, fr['name.short']!, fr['name.full']!]) {
      expect(name).not.toMatch(productNames);
    }
  });
});

// ------------------------------------------------------------------ icons

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** Unfiltered RGBA, 4 bytes a pixel (RGB images get alpha 255). */
  rgba: Uint8Array;
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG, checking every chunk's CRC and undoing the row filters. */
function decodePng(file: string): Png {
  const bytes = readFileSync(path.join(ROOT, file));
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < bytes.length && !ended) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    expect(bytes.readUInt32BE(offset + 8 + length), `CRC of ${type} in ${file}`).toBe(
      crc32(bytes.subarray(offset + 4, offset + 8 + length)),
    );
    if (type === 'IHDR') ihdr = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  expect(ihdr, `IHDR in ${file}`).toBeDefined();
  expect(ended, `IEND in ${file}`).toBe(true);
  const width = ihdr!.readUInt32BE(0);
  const height = ihdr!.readUInt32BE(4);
  const [bitDepth, colorType, interlace] = [byteAt(ihdr!, 8), byteAt(ihdr!, 9), byteAt(ihdr!, 12)];
  expect(bitDepth, 'bit depth').toBe(8);
  expect([2, 6], 'colour type (RGB or RGBA)').toContain(colorType);
  expect(interlace, 'interlace').toBe(0);

  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(height * (stride + 1));
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? byteAt(pixels, y * stride + x - channels) : 0;
      const b = y > 0 ? byteAt(pixels, (y - 1) * stride + x) : 0;
      const c = x >= channels && y > 0 ? byteAt(pixels, (y - 1) * stride + x - channels) : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`${file}: unknown filter ${filter} on row ${y}`);
      }
      pixels[y * stride + x] = (byteAt(line, x) + predictor) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba.set(pixels.subarray(i * channels, i * channels + 3), i * 4);
    rgba[i * 4 + 3] = channels === 4 ? byteAt(pixels, i * channels + 3) : 255;
  }
  return { width, height, bitDepth, colorType, rgba };
}

/** The byte at `i`; reading past the end is a decoder bug, not a zero. */
function byteAt(bytes: Uint8Array, i: number): number {
  const value = bytes[i];
  if (value === undefined) throw new RangeError(`byte ${i} is past the end (${bytes.length})`);
  return value;
}

function pixelsOf(png: Png): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  for (let i = 0; i < png.rgba.length; i += 4) out.push([byteAt(png.rgba, i), byteAt(png.rgba, i + 1), byteAt(png.rgba, i + 2), byteAt(png.rgba, i + 3)]);
  return out;
}

describe('app icons', () => {
  it('color.png is a 192×192 full-colour icon', () => {
    const png = decodePng('appPackage/color.png');
    expect([png.width, png.height]).toEqual([192, 192]);
    const opaqueColoured = pixelsOf(png).filter(([r, g, b, a]) => a === 255 && (r !== g || g !== b));
    // Mostly the brand-coloured square, not a grey or transparent placeholder.
    expect(opaqueColoured.length).toBeGreaterThan((192 * 192) / 2);
  });

  it('outline.png is 32×32 RGBA, white on transparent', () => {
    const png = decodePng('appPackage/outline.png');
    expect([png.width, png.height]).toEqual([32, 32]);
    expect(png.colorType, 'colour type 6 (RGBA)').toBe(6);
    const pixels = pixelsOf(png);
    // Fully transparent, or white with any alpha (anti-aliased edges).
    const offending = pixels.filter(([r, g, b, a]) => a !== 0 && (r !== 255 || g !== 255 || b !== 255));
    expect(offending).toEqual([]);
    expect(pixels.filter(([, , , a]) => a === 0).length, 'transparent pixels').toBeGreaterThan(0);
    expect(pixels.filter(([, , , a]) => a === 255).length, 'opaque pixels').toBeGreaterThan(0);
  });
});

// ------------------------------------------------------------------ infrastructure (structure only, not compiled)

interface BicepParam {
  type: string;
  secure: boolean;
  hasDefault: boolean;
  allowed?: string[];
}

/** The `param` declarations of a Bicep file with their decorators (enough of the grammar for these checks). */
function bicepParams(source: string): Map<string, BicepParam> {
  const params = new Map<string, BicepParam>();
  let decorators = '';
  let depth = 0;
  for (const line of source.split(/\r?\n/)) {
    const text = line.trim();
    if (depth > 0 || text.startsWith('@')) {
      decorators += `${text}\n`;
      depth += (text.match(/[([]/g) ?? []).length - (text.match(/[)\]]/g) ?? []).length;
      continue;
    }
    if (text === '' || text.startsWith('//')) continue;
    const [, name, type, defaultValue] = /^param\s+(\w+)\s+(\w+)(\s*=.*)?$/.exec(text) ?? [];
    if (name !== undefined && type !== undefined) {
      const allowed = /@allowed\(\[([\s\S]*?)\]\)/.exec(decorators)?.[1];
      params.set(name, {
        type,
        secure: decorators.includes('@secure()'),
        hasDefault: defaultValue !== undefined,
        ...(allowed !== undefined ? { allowed: [...allowed.matchAll(/'([^']*)'/g)].flatMap((a) => a[1] ?? []) } : {}),
      });
    }
    decorators = '';
  }
  return params;
}

describe('infra', () => {
  const bicep = readText('infra/azure.bicep');
  const botBicep = readText('infra/botRegistration/azurebot.bicep');
  const params = bicepParams(bicep);
  const parametersFile = JSON.parse(readText('infra/azure.parameters.json')) as {
    parameters: Record<string, { value: unknown }>;
  };
  const devEnv = readEnvFile('env/.env.dev');

  it('azure.bicep has the pieces the app depends on', () => {
    for (const piece of [
      'azureADOnlyAuthentication: true',
      'requiresDuplicateDetection: true',
      'deadLetteringOnMessageExpiration: true',
      'disableLocalAuth: true',
      'enableRbacAuthorization: true',
      "healthCheckPath: '/healthz'",
      'alwaysOn: true',
      "ftpsState: 'Disabled'",
      "minTlsVersion: '1.2'",
      "linuxFxVersion: 'NODE|20-lts'",
      "appCommandLine: 'npm run start:prod'",
      'keyVaultReferenceIdentity: identity.id',
      "module azureBotRegistration './botRegistration/azurebot.bicep'",
    ]) {
      expect(bicep, piece).toContain(piece);
    }
    for (const setting of [
      'STORE',
      'MSSQL_SERVER',
      'MSSQL_DATABASE',
      'QUEUE',
      'SERVICEBUS_NAMESPACE',
      'SERVICEBUS_QUEUE',
      'KEY_VAULT_URL',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'AZURE_CLIENT_ID',
      'WORKER',
      'BOT_ID',
      'BOT_TYPE',
      'BOT_TENANT_ID',
      'SESSION_SECRET',
      'MARKETPLACE_WEBHOOK_AUDIENCE',
    ]) {
      expect(bicep, `app setting ${setting}`).toMatch(new RegExp(`^\\s+${setting}: `, 'm'));
    }
    expect(bicep).toContain("SESSION_SECRET: 'keyvault:session-secret'");
    for (const output of [
      'BOT_ID',
      'BOT_DOMAIN',
      'BOT_AZURE_APP_SERVICE_RESOURCE_ID',
      'AZURE_CLIENT_ID',
      'MSSQL_SERVER',
      'MSSQL_DATABASE',
      'SERVICEBUS_NAMESPACE',
      'KEY_VAULT_URL',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'PUBLIC_URL',
      'SQL_GRANT_STATEMENT',
    ]) {
      expect(bicep, `output ${output}`).toMatch(new RegExp(`^output ${output} string = `, 'm'));
    }
    expect(bicep).toMatch(/FROM EXTERNAL PROVIDER/);
  });

  it('the bot registration uses the managed identity and the Teams channel', () => {
    expect(botBicep).toContain("msaAppType: 'UserAssignedMSI'");
    expect(botBicep).toContain('msaAppMSIResourceId: identityResourceId');
    expect(botBicep).toContain("location: 'global'");
    expect(botBicep).toContain("endpoint: 'https://${botAppDomain}/api/messages'");
    expect(botBicep).toContain("channelName: 'MsTeamsChannel'");
  });

  it('azure.parameters.json only sets declared parameters, and every required one', () => {
    const supplied = Object.keys(parametersFile.parameters);
    expect(
      supplied.filter((name) => !params.has(name)),
      'not declared in azure.bicep',
    ).toEqual([]);
    const required = [...params].filter(([, p]) => !p.hasDefault).map(([name]) => name);
    expect(
      required.filter((name) => !supplied.includes(name)),
      'required but not supplied',
    ).toEqual([]);
  });

  it('azure.parameters.json holds no secret values, only ${{SECRET_…}} placeholders for @secure() parameters', () => {
    for (const [name, { value }] of Object.entries(parametersFile.parameters)) {
      const param = params.get(name);
      const secretPlaceholder = typeof value === 'string' && /^\$\{\{SECRET_[A-Z0-9_]+\}\}$/.test(value);
      if (param?.secure || /(secret|password|apikey)$/i.test(name)) {
        expect(secretPlaceholder, `${name} must be a \${{SECRET_…}} placeholder`).toBe(true);
        expect(param?.secure, `${name} must be @secure() in azure.bicep`).toBe(true);
      } else {
        expect(JSON.stringify(value), `${name}: SECRET_ values only go to @secure() parameters`).not.toContain('SECRET_');
      }
    }
  });

  it('azure.parameters.json uses only variables declared in env/.env.dev, with allowed values', () => {
    const text = readText('infra/azure.parameters.json');
    const undeclared = placeholdersIn(text).filter((name) => !name.startsWith('SECRET_') && !devEnv.has(name));
    expect(undeclared).toEqual([]);
    for (const [name, { value }] of Object.entries(parametersFile.parameters)) {
      const only = typeof value === 'string' ? /^\$\{\{([A-Z0-9_]+)\}\}$/.exec(value)?.[1] : undefined;
      const allowed = params.get(name)?.allowed;
      if (!only || !allowed) continue;
      expect(allowed, `${name} = ${only} from env/.env.dev`).toContain(devEnv.get(only));
    }
  });

  it.each([
    ['teamsapp.yml', 'dev'],
    ['teamsapp.local.yml', 'local'],
  ])('%s uses only variables declared in env/.env.%s (secrets aside)', (file, env) => {
    const declared = readEnvFile(`env/.env.${env}`);
    const undeclared = placeholdersIn(readText(file)).filter((name) => !name.startsWith('SECRET_') && !declared.has(name));
    expect(undeclared).toEqual([]);
  });

  it('.webappignore agrees with the App Service build settings', () => {
    const patterns = readText('.webappignore')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    // node_modules stays behind only because App Service installs the production dependencies itself.
    expect(patterns).toContain('/node_modules/');
    expect(bicep).toContain("SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'");
    expect(bicep).toMatch(/CUSTOM_BUILD_COMMAND: 'npm ci --omit=dev/);
    // What the server needs must ship.
    for (const needed of ['dist', 'package.json', 'package-lock.json', 'prompts']) {
      expect(
        patterns.map((p) => p.replace(/^\/|\/$/g, '')),
        needed,
      ).not.toContain(needed);
    }
  });
});
