import { useFileDrop } from './fileDrop';

/** One entry of a side navigation: a filter, a list, a screen. */
export function NavButton(props: {
  readonly label: string;
  readonly count?: number | null;
  readonly selected: boolean;
  readonly onClick: () => void;
  /** Takes a file dropped onto the entry (a contacts file onto a list). */
  readonly onDropFile?: (file: File) => void;
  /** What the count counts, for people who hover over it. */
  readonly countTitle?: string;
}) {
  const drop = useFileDrop(props.onDropFile);
  return (
    <li {...drop.handlers}>
      <button
        type="button"
        className={`nav-item${props.selected ? ' selected' : ''}${drop.dragging ? ' drop-target' : ''}`}
        aria-current={props.selected ? 'page' : undefined}
        onClick={props.onClick}
      >
        <span className="nav-label">{props.label}</span>
        {props.count != null && (
          <span className="nav-count" title={props.countTitle}>
            {props.count}
          </span>
        )}
      </button>
    </li>
  );
}
