import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { formatBytes, type MediaSnapshot } from '../../../../shared/protocol/media';
import { mediaPath } from '../../../../shared/ipc/media';
import { downloadName, nextZoom, pictureAlt, previewSize } from './pictures';

export interface ViewerPicture {
  readonly media: MediaSnapshot;
  readonly from: 'customer' | 'team';
}

/**
 * The thread's pictures, one at a time, large: the server's re-encoded
 * preview (never the original, which is only saved), zoom in and out or fit,
 * ← and → through the thread's pictures, Esc closes.
 */
export function MediaViewer(props: {
  readonly pictures: readonly ViewerPicture[];
  readonly index: number;
  readonly onIndex: (index: number) => void;
  readonly onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // Zoom and the loaded size belong to one picture: another opens fitted.
  const [zoomOf, setZoomOf] = useState<{ id: string; zoom: number | null }>({ id: '', zoom: null });
  const [naturalOf, setNaturalOf] = useState<{ id: string; width: number; height: number } | null>(
    null,
  );
  const [area, setArea] = useState<{ width: number; height: number } | null>(null);
  const picture = props.pictures[props.index];
  const count = props.pictures.length;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
  }, []);

  useEffect(() => {
    const element = stage.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => {
      setArea({ width: element.clientWidth, height: element.clientHeight });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
    };
  }, []);

  if (picture === undefined) return null;
  const { media } = picture;
  const zoom = zoomOf.id === media.id ? zoomOf.zoom : null;
  const setZoom = (value: number | null) => {
    setZoomOf({ id: media.id, zoom: value });
  };
  // The loaded preview's own pixels once known (a phone's rotation may swap the original's sides).
  const natural = naturalOf?.id === media.id ? naturalOf : null;
  const own = natural ?? previewSize(media);
  const fitScale =
    own === null || area === null || area.width === 0
      ? 1
      : Math.min(1, area.width / own.width, area.height / own.height);
  const alt = pictureAlt(media, picture.from);
  const go = (step: number) => {
    if (count < 2) return;
    props.onIndex((props.index + step + count) % count);
  };

  const keyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case 'ArrowRight':
        go(1);
        break;
      case 'ArrowLeft':
        go(-1);
        break;
      case '+':
      case '=':
        setZoom(nextZoom(zoom, fitScale, 1));
        break;
      case '-':
        setZoom(nextZoom(zoom, fitScale, -1));
        break;
      case '0':
        setZoom(null);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const zoomed = zoom !== null && own !== null;
  const percent = Math.round((zoom ?? fitScale) * 100);
  return (
    <dialog
      ref={ref}
      className="dialog viewer"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
      onKeyDown={keyDown}
    >
      <div className="viewer-bar">
        <h2 id={titleId} className="viewer-title">
          {media.filename ?? 'Picture'}
          <span className="muted small">
            {' '}
            · {formatBytes(media.size)}
            {count > 1 && ` · ${String(props.index + 1)} of ${String(count)}`}
          </span>
        </h2>
        <div className="viewer-tools" role="toolbar" aria-label="Picture">
          <button
            type="button"
            className="button small"
            aria-label="Previous picture"
            title="Previous (←)"
            disabled={count < 2}
            onClick={() => {
              go(-1);
            }}
          >
            ←
          </button>
          <button
            type="button"
            className="button small"
            aria-label="Next picture"
            title="Next (→)"
            disabled={count < 2}
            onClick={() => {
              go(1);
            }}
          >
            →
          </button>
          <button
            type="button"
            className="button small"
            aria-label="Zoom out"
            title="Zoom out (−)"
            onClick={() => {
              setZoom(nextZoom(zoom, fitScale, -1));
            }}
          >
            −
          </button>
          <span className="small viewer-zoom" aria-live="polite" data-testid="viewer-zoom">
            {zoom === null ? `Fit (${String(percent)}%)` : `${String(percent)}%`}
          </span>
          <button
            type="button"
            className="button small"
            aria-label="Zoom in"
            title="Zoom in (+)"
            onClick={() => {
              setZoom(nextZoom(zoom, fitScale, 1));
            }}
          >
            +
          </button>
          <button
            type="button"
            className="button small"
            aria-pressed={zoom === null}
            title="Fit (0)"
            onClick={() => {
              setZoom(null);
            }}
          >
            Fit
          </button>
          <a
            className="button small"
            href={mediaPath(media.id, 'original')}
            download={downloadName(media)}
          >
            Save as…
          </a>
          <button type="button" className="button small" onClick={props.onClose}>
            Close
          </button>
        </div>
      </div>
      <div ref={stage} className={`viewer-stage${zoomed ? ' zoomed' : ''}`}>
        <img
          key={media.id}
          src={mediaPath(media.id, 'preview')}
          alt={alt}
          draggable={false}
          {...(zoomed
            ? { width: Math.round(own.width * zoom), height: Math.round(own.height * zoom) }
            : own !== null && { width: own.width, height: own.height })}
          onLoad={(event) => {
            const image = event.currentTarget;
            setNaturalOf({ id: media.id, width: image.naturalWidth, height: image.naturalHeight });
          }}
        />
      </div>
    </dialog>
  );
}
