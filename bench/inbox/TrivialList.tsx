/**
 * The anchor: the same virtualizer with the same settings as the app's
 * ConversationList (row height 76, overscan 6, the same scroll container),
 * each row a plain div with one text, read from a plain array.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useSyncExternalStore } from 'react';

export interface TrivialItem {
  readonly id: string;
  readonly text: string;
}

let items: readonly TrivialItem[] = [];
const listeners = new Set<() => void>();

/** The list's whole state: one array, replaced on every change. */
export const trivialItems = {
  get: (): readonly TrivialItem[] => items,
  set: (next: readonly TrivialItem[]) => {
    items = next;
    for (const listener of listeners) listener();
  },
  subscribe: (listener: () => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};

const ROW_HEIGHT = 76;

export function TrivialList() {
  const list = useSyncExternalStore(trivialItems.subscribe, trivialItems.get);
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: list.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });
  return (
    <div ref={parent} className="conversation-scroll">
      <div
        className="trivial-list"
        style={{
          position: 'relative',
          width: '100%',
          height: `${String(virtualizer.getTotalSize())}px`,
        }}
      >
        {virtualizer.getVirtualItems().map((item) => {
          const row = list[item.index];
          return row === undefined ? null : (
            <div
              key={row.id}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                height: ROW_HEIGHT,
                transform: `translateY(${String(item.start)}px)`,
              }}
            >
              {row.text}
            </div>
          );
        })}
      </div>
    </div>
  );
}
