/** One entry of a side navigation: a filter, a list, a screen. */
export function NavButton(props: {
  readonly label: string;
  readonly count?: number | null;
  readonly selected: boolean;
  readonly onClick: () => void;
}) {
  return (
    <li>
      <button
        type="button"
        className={`nav-item${props.selected ? ' selected' : ''}`}
        aria-current={props.selected ? 'page' : undefined}
        onClick={props.onClick}
      >
        <span className="nav-label">{props.label}</span>
        {props.count != null && <span className="nav-count">{props.count}</span>}
      </button>
    </li>
  );
}
