import { expect, test } from 'vitest';
import { buildApi } from './api';
import { IPC_METHODS } from './channels';
import { ipcContract } from './contract';

test('window.textdesk has one named function per contract method, each on its own channel', async () => {
  const calls: [string, unknown][] = [];
  const api = buildApi((method, input) => {
    calls.push([method, input]);
    return Promise.resolve({ ok: true, value: null });
  });
  await api.app.info();
  await api.consent.explain({ text: 'HELP' });
  expect(calls).toEqual([
    ['app.info', undefined],
    ['consent.explain', { text: 'HELP' }],
  ]);
  expect(Object.keys(api).sort()).toEqual(['app', 'consent']);
});

test('every method name has schemas in the contract', () => {
  expect(Object.keys(ipcContract).sort()).toEqual([...IPC_METHODS].sort());
});
