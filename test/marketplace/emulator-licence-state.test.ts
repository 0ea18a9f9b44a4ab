import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/fake-clock';
import { startStandaloneEmulator } from '../helpers/standalone-emulator';
import { tempDir } from '../helpers/temp-dir';

/** Microsoft-managed licences set in the emulator are kept in its state file with the subscriptions. */
const SERVICE = 'svc-team-seat';
const TENANT = 'tenant-licences';
const clock = new FakeClock('2026-03-10T10:20:00.000Z');

const startEmulator = (stateFile: string) => startStandaloneEmulator({ clock, stateFile });

/** What Graph answers for a user's licences of the service, through the emulator's token endpoint and Graph. */
async function usageRights(url: string, userId: string): Promise<{ serviceIdentifier: string; state: string }[]> {
  const token = await fetch(`${url}/graph-login/${TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const filter = encodeURIComponent(`serviceIdentifier eq '${SERVICE}'`);
  const res = await fetch(`${url}/graph/beta/users/${userId}/usageRights?$filter=${filter}`, {
    headers: { authorization: `Bearer ${token.access_token}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: { serviceIdentifier: string; state: string }[] }).value;
}

describe('licences in the emulator state file', () => {
  it('survive a restart; removed ones stay removed; the Graph outage switch is not kept', async () => {
    const stateFile = path.join(tempDir('emulator-licences-'), 'emulator.json');
    const first = await startEmulator(stateFile);
    first.emulator.setLicence(TENANT, 'u-active', SERVICE, 'active');
    first.emulator.setLicence(TENANT, 'u-warning', SERVICE, 'warning');
    first.emulator.setLicence(TENANT, 'u-gone', SERVICE, 'active');
    first.emulator.setLicence(TENANT, 'u-gone', SERVICE, undefined);
    first.emulator.setGraphOutage(true);
    // close() writes what the debounced save has not written yet.
    await first.close();
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8')).licences).toEqual([
      { tenantId: TENANT, userId: 'u-active', serviceIdentifier: SERVICE, state: 'active' },
      { tenantId: TENANT, userId: 'u-warning', serviceIdentifier: SERVICE, state: 'warning' },
    ]);

    const second = await startEmulator(stateFile);
    try {
      expect(await usageRights(second.url, 'u-active')).toEqual([
        expect.objectContaining({ serviceIdentifier: SERVICE, state: 'active' }),
      ]);
      expect(await usageRights(second.url, 'u-warning')).toEqual([expect.objectContaining({ state: 'warning' })]);
      expect(await usageRights(second.url, 'u-gone')).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('reads a state file saved before licences were kept, and skips malformed entries', async () => {
    const stateFile = path.join(tempDir('emulator-licences-'), 'emulator.json');
    const empty = { version: 1, subscriptions: [], tokens: [], operations: [], usage: [] };
    fs.writeFileSync(stateFile, JSON.stringify(empty));
    const old = await startEmulator(stateFile);
    expect(await usageRights(old.url, 'u-active')).toEqual([]);
    await old.close();

    fs.writeFileSync(
      stateFile,
      JSON.stringify({
        ...empty,
        licences: [
          { tenantId: TENANT, userId: 'u-ok', serviceIdentifier: SERVICE, state: 'suspended' },
          { tenantId: TENANT, userId: 'u-bad', serviceIdentifier: SERVICE, state: 'bogus' },
          null,
        ],
      }),
    );
    const r = await startEmulator(stateFile);
    try {
      expect(await usageRights(r.url, 'u-ok')).toEqual([expect.objectContaining({ state: 'suspended' })]);
      expect(await usageRights(r.url, 'u-bad')).toEqual([]);
    } finally {
      await r.close();
    }
  });
});
