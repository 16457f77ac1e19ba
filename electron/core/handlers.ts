import { defaultTriggerRules, explainInbound, type TriggerRule } from '../../shared/consent';
import type { IpcHandlers, IpcOutput } from '../../shared/ipc';

export interface CoreOptions {
  readonly appInfo: IpcOutput<'app.info'>;
  /** The account's triggers; the defaults of a new account until sync brings the real ones. */
  readonly triggers?: readonly TriggerRule[];
}

/** The main process's answers to the renderer, with no Electron in sight. */
export function createCoreHandlers(
  options: CoreOptions,
): Pick<IpcHandlers, 'app.info' | 'consent.explain'> {
  const triggers =
    options.triggers ??
    defaultTriggerRules({
      businessName: 'Textdesk',
      supportContact: 'your business',
      marketingListIds: ['marketing'],
      marketingOptOutListId: 'marketing-opt-out',
    });
  return {
    'app.info': () => Promise.resolve(options.appInfo),
    'consent.explain': ({ text }) => {
      const { intent, summary } = explainInbound(text, triggers);
      return Promise.resolve({
        kind: intent.kind,
        possibleOptOut: intent.kind === 'message' && intent.possibleOptOut,
        summary,
      });
    },
  };
}
