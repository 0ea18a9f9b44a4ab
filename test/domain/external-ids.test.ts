import { describe, expect, it } from 'vitest';
import { idProblem, isGuid, loggable, ID_MAX_LENGTH } from '../../src/domain/external-ids';

describe('ids from outside', () => {
  it.each([
    ['3f1c2a9e-5b7d-4c1e-9a2b-0123456789ab', 'guid', null],
    ['3F1C2A9E-5B7D-4C1E-9A2B-0123456789AB', 'guid', null],
    ['3f1c2a9e5b7d4c1e9a2b0123456789ab', 'guid', 'is not a GUID'],
    ['{3f1c2a9e-5b7d-4c1e-9a2b-0123456789ab}', 'guid', 'is longer than 36 characters'],
    ['../3f1c2a9e-5b7d-4c1e-9a2b-01234567', 'guid', 'is not a GUID'],
    ['', 'id', 'is missing or not a string'],
    [42, 'id', 'is missing or not a string'],
    ['29:1GcS4EyB_oSI8A88XmWBN7NJFyMqe3QGnJdgLfFGkJnVelzRGos0bPbpsfJjcbAD22bmKc4GMbrY2g4JDrrA8vM06X1-cHHle4zOE6U4ttcc', 'id', null],
    ['a:1pL6SGYJ8Aulz3v4uFDu7UKSyuf-6kV5bIsTW9ZmI2F2TY6eSVNFR9lbsmAxf5JMtjgtmxvX8-Xa8_dzVXHvWsMBL6dBgPX1XftsmH1d1vzPSRE7W9RGg', 'conversation', null],
    ['19:abc@thread.tacv2;messageid=1700000000000', 'conversation', null],
    ['emoji 😀 are fine', 'id', null],
    ['a'.repeat(ID_MAX_LENGTH.id), 'id', null],
    ['a'.repeat(ID_MAX_LENGTH.id + 1), 'id', 'is longer than 256 characters'],
    ['o'.repeat(129), 'entra', 'is longer than 128 characters'],
    ['tab\there', 'id', 'contains control characters'],
    ['del\u007f', 'id', 'contains control characters'],
    ['line\u2028separator', 'id', 'contains control characters'],
    ['high\ud800', 'id', 'is not valid Unicode'],
    ['\udc00low', 'id', 'is not valid Unicode'],
    ['\ud800\ud800\udc00', 'id', 'is not valid Unicode'],
  ] as const)('%j as %s → %s', (value, kind, problem) => {
    expect(idProblem(value, kind)).toBe(problem);
  });

  it('recognises GUIDs only', () => {
    expect(isGuid('00000000-0000-0000-0000-000000000000')).toBe(true);
    // The Agents Playground's tenant id has 13 digits in its last group.
    expect(isGuid('00000000-0000-0000-0000-0000000000001')).toBe(false);
    expect(isGuid(undefined)).toBe(false);
  });
});

describe('untrusted values in logs', () => {
  it('cuts long values, says how long they were, and escapes control characters and lone surrogates', () => {
    expect(loggable('x'.repeat(70_000))).toBe(`${'x'.repeat(64)}…(70000 chars)`);
    expect(loggable('a\r\nb\u0000\ud800')).toBe('a\\u000d\\u000ab\\u0000\\ud800');
    expect(loggable('fine 😀')).toBe('fine 😀');
    expect(loggable({ id: 1 })).toBe('[object]');
    expect(loggable([1])).toBe('[array]');
    expect(loggable(5)).toBe('5');
    expect(loggable(undefined)).toBeUndefined();
  });
});
