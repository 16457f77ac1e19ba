import { useState } from 'react';
import { formatBytes, type MediaSnapshot } from '../../../../shared/protocol/media';
import { mediaPath } from '../../../../shared/ipc/media';
import { downloadName, isViewable, pictureAlt, thumbnailSize } from './pictures';
import { VcardCard } from './VcardCard';

/** Shown for a file kind the app does not display, before its download link. */
export const UNKNOWN_FILE_WARNING =
  'Textdesk can’t show this kind of file. Only open it if you trust the sender.';

function SaveLink(props: { readonly media: MediaSnapshot; readonly label?: string }) {
  return (
    <a
      className="button small"
      href={mediaPath(props.media.id, 'original')}
      download={downloadName(props.media)}
    >
      {props.label ?? 'Save'}
    </a>
  );
}

const fileName = (media: MediaSnapshot) =>
  media.filename !== null && media.filename !== '' ? media.filename : downloadName(media);

/** A card for a file: an icon, its name and size, and what can be done with it. */
function FileCard(props: {
  readonly media: MediaSnapshot;
  readonly icon: string;
  readonly label: string;
  readonly warning?: string;
}) {
  const { media } = props;
  return (
    <div
      className={`media-card${props.warning !== undefined ? ' media-card-warning' : ''}`}
      role="group"
      aria-label={props.label}
    >
      <div className="media-card-icon" aria-hidden="true">
        {props.icon}
      </div>
      <div className="media-card-main">
        <strong className="media-card-name">{fileName(media)}</strong>
        <span className="small muted">
          {formatBytes(media.size)} · {media.type}
        </span>
        {props.warning !== undefined && (
          <span className="small media-warning" role="note">
            {props.warning}
          </span>
        )}
        <span className="media-card-actions">
          <SaveLink media={media} label="Save as…" />
        </span>
      </div>
    </div>
  );
}

function Expired(props: { readonly media: MediaSnapshot }) {
  const what = props.media.kind === 'image' ? 'picture' : 'file';
  return (
    <div className="media-card media-expired" role="note">
      <span className="muted small">This {what} is no longer kept (retention).</span>
    </div>
  );
}

/** A picture in the thread; if its thumbnail cannot be had (offline, not cached) it says so. */
function Thumbnail(props: {
  readonly media: MediaSnapshot;
  readonly from: 'customer' | 'team';
  readonly onOpen: (media: MediaSnapshot) => void;
}) {
  const { media } = props;
  const [failed, setFailed] = useState(false);
  const size = thumbnailSize(media);
  const alt = pictureAlt(media, props.from);
  if (failed) {
    return (
      <div className="media-card" role="group" aria-label="Picture">
        <div className="media-card-icon" aria-hidden="true">
          📷
        </div>
        <div className="media-card-main">
          <span className="small">This picture could not be loaded. Check the connection.</span>
          <span className="media-card-actions">
            <button
              type="button"
              className="button small"
              onClick={() => {
                setFailed(false);
              }}
            >
              Try again
            </button>
            <SaveLink media={media} label="Save as…" />
          </span>
        </div>
      </div>
    );
  }
  return (
    <button
      type="button"
      className="media-thumb"
      aria-label={`Open ${alt}`}
      onClick={() => {
        props.onOpen(media);
      }}
    >
      <img
        src={mediaPath(media.id, 'thumbnail')}
        width={size.width}
        height={size.height}
        alt={alt}
        loading="lazy"
        decoding="async"
        draggable={false}
        onError={() => {
          setFailed(true);
        }}
      />
    </button>
  );
}

/** One file on a message, shown as what it is. */
function MediaItem(props: {
  readonly media: MediaSnapshot;
  readonly from: 'customer' | 'team';
  readonly onOpen: (media: MediaSnapshot) => void;
}) {
  const { media } = props;
  if (media.expired) return <Expired media={media} />;
  if (isViewable(media)) return <Thumbnail media={media} from={props.from} onOpen={props.onOpen} />;
  switch (media.kind) {
    case 'image':
      // A picture the server could not re-encode is never displayed, only saved.
      return <FileCard media={media} icon="📷" label="Picture" />;
    case 'pdf':
      return <FileCard media={media} icon="📄" label="PDF" />;
    case 'vcard':
      return <VcardCard media={media} />;
    case 'audio':
      return (
        <div className="media-player" role="group" aria-label={`Audio: ${fileName(media)}`}>
          <audio controls preload="metadata" src={mediaPath(media.id, 'original')}>
            <SaveLink media={media} />
          </audio>
          <SaveLink media={media} label="Save as…" />
        </div>
      );
    case 'video':
      return (
        <div className="media-player" role="group" aria-label={`Video: ${fileName(media)}`}>
          <video
            controls
            preload="metadata"
            src={mediaPath(media.id, 'original')}
            {...(media.width !== null && media.height !== null
              ? thumbnailSize(media)
              : { width: 240, height: 180 })}
          >
            <SaveLink media={media} />
          </video>
          <SaveLink media={media} label="Save as…" />
        </div>
      );
    case 'file':
      return <FileCard media={media} icon="📎" label="File" warning={UNKNOWN_FILE_WARNING} />;
  }
}

/** A message's pictures and files, in the order they came. */
export function MessageMedia(props: {
  readonly media: readonly MediaSnapshot[];
  readonly from: 'customer' | 'team';
  readonly onOpen: (media: MediaSnapshot) => void;
}) {
  if (props.media.length === 0) return null;
  return (
    <ul className="message-media" aria-label="Attachments">
      {props.media.map((media) => (
        <li key={media.id}>
          <MediaItem media={media} from={props.from} onOpen={props.onOpen} />
        </li>
      ))}
    </ul>
  );
}
