import { useEffect } from 'react';
import { useStore } from './store';

/** Focus is in a field: plain letters are typing, not shortcuts. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/**
 * The inbox's keyboard shortcuts: j/k move through conversations, r
 * replies, e closes, a assigns to me, / and Ctrl/Cmd+K search, ? helps.
 */
export function useShortcuts(actions: { readonly help: () => void }): void {
  useEffect(() => {
    const keyDown = (event: KeyboardEvent) => {
      const state = useStore.getState();
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        state.openSearch(true);
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      if (document.querySelector('dialog[open]') !== null) return;
      if (event.key === '/' || event.key === '?') {
        event.preventDefault();
        if (event.key === '/') state.openSearch(true);
        else actions.help();
        return;
      }
      // The rest act on conversations: the inbox only.
      if (state.screen !== 'inbox') return;
      const { ids, selectedId } = state;
      const at = selectedId === null ? -1 : ids.indexOf(selectedId);
      const move = (step: number) => {
        const id = ids[Math.min(Math.max(at + step, 0), ids.length - 1)];
        if (id !== undefined) void state.openConversation(id);
      };
      const act = (command: Parameters<typeof state.act>[0]) => {
        void state.act(command);
      };
      switch (event.key) {
        case 'j':
          move(1);
          break;
        case 'k':
          move(at < 0 ? 1 : -1);
          break;
        case 'r':
          document.querySelector<HTMLTextAreaElement>('#composer-message')?.focus();
          break;
        case 'e':
          if (selectedId !== null) act({ type: 'conversation.close', conversationId: selectedId });
          break;
        case 'a': {
          const me = state.session?.user?.id;
          if (selectedId !== null && me !== undefined) {
            act({ type: 'conversation.assign', conversationId: selectedId, assigneeId: me });
          }
          break;
        }
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', keyDown);
    return () => {
      window.removeEventListener('keydown', keyDown);
    };
  }, [actions]);
}
