import { describe, expect, test, vi } from 'vitest';
import { createCoreHandlers } from './handlers';
import { createIpcDispatch } from './ipcDispatch';
import { Refusal } from './refusal';

const appInfo = {
  name: 'Textdesk',
  version: '1.2.3',
  platform: 'linux',
  versions: { electron: '45.0.0', chrome: '140', node: '22.0.0' },
};

describe('the IPC dispatcher', () => {
  const dispatch = createIpcDispatch(createCoreHandlers({ appInfo }));

  test('answers a valid call with the handler’s value', async () => {
    expect(await dispatch('app.info', undefined)).toEqual({ ok: true, value: appInfo });
    expect(await dispatch('consent.explain', { text: 'STOP' })).toMatchObject({
      ok: true,
      value: { kind: 'opt-out', possibleOptOut: false },
    });
    expect(
      await dispatch('consent.explain', { text: 'stop texting me so early, text after 10' }),
    ).toMatchObject({
      ok: true,
      value: { kind: 'message', possibleOptOut: true },
    });
  });

  test('refuses payloads that do not match the contract, with a readable message', async () => {
    expect(await dispatch('consent.explain', { text: 42 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(await dispatch('consent.explain', 'STOP')).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(await dispatch('consent.explain', { text: 'x'.repeat(1601) })).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: 'Invalid request: A text can be at most 1600 characters.',
      },
    });
    expect(await dispatch('app.info', { sneaky: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });

  test('refuses unknown methods', async () => {
    expect(await dispatch('fs.readFile', { path: '/etc/passwd' })).toEqual({
      ok: false,
      error: { code: 'unknown-method', message: 'Unknown request “fs.readFile”.' },
    });
  });

  test('a refusal crosses as its own code and sentence', async () => {
    const refusing = createIpcDispatch({
      'app.info': () => Promise.reject(new Refusal('signed-out', 'Sign in first.')),
    });
    expect(await refusing('app.info', undefined)).toEqual({
      ok: false,
      error: { code: 'signed-out', message: 'Sign in first.' },
    });
    expect(await refusing('inbox.counts', undefined)).toEqual({
      ok: false,
      error: { code: 'unavailable', message: '“inbox.counts” is not available here.' },
    });
  });

  test('a handler that throws becomes a polite error, reported to the log, not a crash', async () => {
    const failing = createCoreHandlers({ appInfo });
    failing['app.info'] = () => Promise.reject(new Error('disk on fire'));
    const report = vi.fn();
    const guarded = createIpcDispatch(failing, report);
    expect(await guarded('app.info', undefined)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong. Please try again.' },
    });
    expect(report).toHaveBeenCalledWith('app.info', expect.any(Error));
  });
});
