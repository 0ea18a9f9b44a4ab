import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface StubKeyVault {
  /** `KEY_VAULT_URL` for the child processes. */
  url: string;
  /** The stub's self-signed certificate: give it to children as `NODE_EXTRA_CA_CERTS`. */
  caFile: string;
  /** Secret names read, in order. */
  reads: string[];
  close(): Promise<void>;
}

/**
 * A Key Vault stand-in for child processes, read through the real `SecretClient` (the Azure SDK refuses plain
 * http, hence https with a certificate made for 127.0.0.1 by `openssl`). It answers the first, unauthenticated
 * request at once, so the SDK never asks for a token: the managed identity is not what these tests are about.
 * Unknown names get Key Vault's 404 `SecretNotFound`.
 */
export async function startStubKeyVault(secrets: Record<string, string>): Promise<StubKeyVault> {
  // Its own directory (not tempDir's, removed after each test): children of later tests still read the certificate.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stub-key-vault-'));
  const keyFile = path.join(dir, 'key.pem');
  const caFile = path.join(dir, 'cert.pem');
  const openssl = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      caFile,
    ],
    { encoding: 'utf8' },
  );
  if (openssl.status !== 0) throw new Error(`openssl could not make the stub vault's certificate: ${openssl.stderr}`);
  const reads: string[] = [];
  const server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(caFile) }, (req, res) => {
    const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const name = /^\/secrets\/([A-Za-z0-9-]+)\/?(\?|$)/.exec(req.url ?? '')?.[1];
    res.setHeader('content-type', 'application/json');
    if (req.method !== 'GET' || !name) {
      res.statusCode = 400;
      return res.end(JSON.stringify({ error: { code: 'BadParameter', message: 'not a secret read' } }));
    }
    reads.push(name);
    const value = secrets[name];
    if (value === undefined) {
      res.statusCode = 404;
      return res.end(
        JSON.stringify({ error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found.` } }),
      );
    }
    res.end(JSON.stringify({ value, id: `${base}/secrets/${name}/0123456789abcdef`, attributes: { enabled: true } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caFile,
    reads,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
