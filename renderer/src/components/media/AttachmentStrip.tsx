import { formatBytes } from '../../../../shared/protocol/media';
import { mediaPath } from '../../../../shared/ipc/media';
import type { Attachment } from './useAttachments';

/** Pictures the browser itself can show from the staged bytes (not HEIC: a name chip instead). */
const SHOWN_HERE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** The composer's attached files, each with a × that removes it. */
export function AttachmentStrip(props: {
  readonly items: readonly Attachment[];
  readonly onRemove: (key: string) => void;
}) {
  if (props.items.length === 0) return null;
  return (
    <ul className="attachments" aria-label="Attached files">
      {props.items.map((item) => {
        const name = item.state === 'staged' ? item.staged.filename : item.filename;
        const size = item.state === 'staged' ? item.staged.size : item.size;
        const picture = item.state === 'staged' && SHOWN_HERE.has(item.staged.type);
        return (
          <li
            key={item.key}
            className={`attachment${item.state === 'staging' ? ' attachment-pending' : ''}`}
            aria-busy={item.state === 'staging'}
            title={`${name} · ${formatBytes(size)}`}
          >
            {picture ? (
              <img src={mediaPath(item.staged.id, 'original')} alt={name} draggable={false} />
            ) : (
              <span aria-hidden="true">{item.state === 'staging' ? '⏳' : '📎'}</span>
            )}
            {!picture && (
              <span className="attachment-name">
                {name}
                <span className="muted">
                  {' '}
                  · {item.state === 'staging' ? 'attaching…' : formatBytes(size)}
                </span>
              </span>
            )}
            <button
              type="button"
              className="attachment-remove"
              aria-label={`Remove ${name}`}
              title="Remove"
              onClick={() => {
                props.onRemove(item.key);
              }}
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}
