import { defaultTriggerRules } from './triggers';
import type { ConsentContext, UserActor } from './types';

/** People and settings shared by the consent engine's tests. */
export const AGENT: UserActor = { kind: 'user', id: 'u-agent', name: 'Ana', role: 'agent' };
export const SUPERVISOR: UserActor = { kind: 'user', id: 'u-sup', name: 'Sam', role: 'supervisor' };
export const ADMIN: UserActor = { kind: 'user', id: 'u-admin', name: 'Ada', role: 'admin' };

export const NOW = '2026-11-23T15:04:05.000Z';

export const TRIGGERS = defaultTriggerRules({
  businessName: 'Acme Dental',
  supportContact: '(201) 555-0100',
  marketingListIds: ['marketing'],
  marketingOptOutListId: 'marketing-opt-out',
});

export const CONTEXT: ConsentContext = { now: NOW, triggers: TRIGGERS };
