import { expect, test } from 'vitest';
import { buildApi, type Listen } from './api';
import { IPC_EVENTS, IPC_METHODS } from './channels';
import { ipcContract, ipcEventContract } from './contract';

test('window.textdesk has one named function per contract method, each on its own channel', async () => {
  const calls: [string, unknown][] = [];
  const api = buildApi(
    (method, input) => {
      calls.push([method, input]);
      return Promise.resolve({ ok: true, value: null });
    },
    () => () => undefined,
  );
  await api.app.info();
  await api.consent.explain({ text: 'HELP' });
  await api.inbox.messages({ conversationId: 'c1' });
  expect(calls).toEqual([
    ['app.info', undefined],
    ['consent.explain', { text: 'HELP' }],
    ['inbox.messages', { conversationId: 'c1' }],
  ]);
  expect(Object.keys(api).sort()).toEqual(
    [
      'admin',
      'app',
      'campaigns',
      'commands',
      'consent',
      'contacts',
      'inbox',
      'lists',
      'media',
      'on',
      'presence',
      'reports',
      'session',
      'simulator',
    ].sort(),
  );
});

test('a listener hears its own event only, until it unsubscribes', () => {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const listen: Listen = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const api = buildApi(() => Promise.resolve(null), listen);
  const heard: unknown[] = [];
  const stop = api.on('sync.status', (status) => heard.push(status));
  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners) listener(event, payload);
  };
  emit('sync.status', { state: 'live', queued: 0 });
  emit('data.changed', []);
  stop();
  emit('sync.status', { state: 'connecting', queued: 0 });
  expect(heard).toEqual([{ state: 'live', queued: 0 }]);
  expect(() => api.on('nope' as 'sync.status', () => undefined)).toThrow('Unknown event');
});

test('every method and event name has schemas in the contract', () => {
  expect(Object.keys(ipcContract).sort()).toEqual([...IPC_METHODS].sort());
  expect(Object.keys(ipcEventContract).sort()).toEqual([...IPC_EVENTS].sort());
});
