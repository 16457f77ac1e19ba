import type { ConversationFilter, InboxCounts, SyncStatus } from '../../../shared/ipc';
import { textdesk } from '../api';
import { useStore } from '../store';
import { NavButton } from './NavButton';
import type { InboxView } from '../store/inboxSlice';
import { selectIsSupervisor } from '../store/sessionSlice';
import type { Screen, Theme } from '../store/uiSlice';

const FILTERS: readonly {
  readonly filter: ConversationFilter;
  readonly label: string;
  readonly count: (counts: InboxCounts) => number | null;
}[] = [
  { filter: 'open', label: 'Open', count: (counts) => counts.open },
  { filter: 'mine', label: 'Mine', count: (counts) => counts.mine },
  { filter: 'unassigned', label: 'Unassigned', count: (counts) => counts.unassigned },
  { filter: 'closed', label: 'Closed', count: (counts) => counts.closed },
  { filter: 'opted-out', label: 'Opted out', count: (counts) => counts.optedOut },
  { filter: 'blocked', label: 'Blocked', count: (counts) => counts.blocked },
];

const isView = (a: InboxView, b: InboxView) =>
  a.kind === 'filter'
    ? b.kind === 'filter' && a.filter === b.filter
    : b.kind === 'list' && a.listId === b.listId;

function ViewButton(props: {
  readonly view: InboxView;
  readonly label: string;
  readonly count: number | null;
}) {
  const selected = useStore((state) => state.screen === 'inbox' && isView(props.view, state.view));
  const showView = useStore((state) => state.showView);
  return (
    <NavButton
      label={props.label}
      count={props.count}
      selected={selected}
      onClick={() => {
        showView(props.view);
      }}
    />
  );
}

/** The connection, as the agent needs to know it: can what I send leave now? */
export function statusText(sync: SyncStatus): string {
  const queued = 'queued' in sync && sync.queued > 0 ? ` · ${String(sync.queued)} queued` : '';
  switch (sync.state) {
    case 'signed-out':
      return 'Signed out';
    case 'connecting':
      return `Connecting…${queued}`;
    case 'catching-up':
      return `Catching up ${sync.done.toLocaleString()} of ${sync.total.toLocaleString()}${queued}`;
    case 'live':
      return `Live${queued}`;
    case 'offline':
      return `Offline${queued}`;
    case 'update-needed':
      return sync.update === 'desktop' ? 'Update Textdesk' : 'Server update needed';
  }
}

function ConnectionStatus() {
  const sync = useStore((state) => state.sync);
  const detail = sync.state === 'offline' ? sync.reason : undefined;
  return (
    <div className={`connection connection-${sync.state}`} role="status" title={detail}>
      <span className="dot" aria-hidden="true" />
      <span data-testid="connection">{statusText(sync)}</span>
    </div>
  );
}

/** The account's management screens, and who may open each. */
const SCREENS: readonly {
  readonly screen: Screen;
  readonly label: string;
  readonly who: 'everyone' | 'supervisors' | 'admins';
}[] = [
  { screen: 'lists', label: 'Lists', who: 'everyone' },
  { screen: 'campaigns', label: 'Campaigns', who: 'everyone' },
  { screen: 'triggers', label: 'Triggers', who: 'supervisors' },
  { screen: 'report', label: 'Opt-out report', who: 'everyone' },
  { screen: 'settings', label: 'Settings', who: 'admins' },
];

function ScreenButton(props: { readonly screen: Screen; readonly label: string }) {
  const selected = useStore((state) => state.screen === props.screen);
  const showScreen = useStore((state) => state.showScreen);
  return (
    <NavButton
      label={props.label}
      selected={selected}
      onClick={() => {
        showScreen(props.screen);
      }}
    />
  );
}

const THEMES: readonly { readonly theme: Theme; readonly label: string }[] = [
  { theme: 'system', label: 'System' },
  { theme: 'light', label: 'Light' },
  { theme: 'dark', label: 'Dark' },
];

export function Sidebar(props: { readonly onHelp: () => void }) {
  const counts = useStore((state) => state.counts);
  const lists = useStore((state) => state.account?.lists);
  const supervisor = useStore(selectIsSupervisor);
  const session = useStore((state) => state.session);
  const role = session?.user?.role;
  const theme = useStore((state) => state.theme);
  const setTheme = useStore((state) => state.setTheme);
  const signOut = useStore((state) => state.signOut);
  const openSearch = useStore((state) => state.openSearch);

  return (
    <nav className="sidebar" aria-label="Inbox">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          T
        </span>
        Textdesk
      </div>
      <button
        type="button"
        className="search-button"
        onClick={() => {
          openSearch(true);
        }}
      >
        Search <kbd>/</kbd>
      </button>
      <ul className="nav-list">
        {FILTERS.filter((item) => item.filter !== 'blocked' || supervisor).map((item) => (
          <ViewButton
            key={item.filter}
            view={{ kind: 'filter', filter: item.filter }}
            label={item.label}
            count={counts === null ? null : item.count(counts)}
          />
        ))}
      </ul>
      {lists !== undefined && lists.length > 0 && (
        <>
          <h2 className="nav-heading">Lists</h2>
          <ul className="nav-list">
            {lists.map((list) => (
              <ViewButton
                key={list.id}
                view={{ kind: 'list', listId: list.id }}
                label={list.name}
                count={counts?.lists[list.id] ?? 0}
              />
            ))}
          </ul>
        </>
      )}
      <h2 className="nav-heading">Manage</h2>
      <ul className="nav-list">
        {SCREENS.filter(
          (item) =>
            item.who === 'everyone' ||
            (item.who === 'supervisors' && supervisor) ||
            (item.who === 'admins' && role === 'admin'),
        ).map((item) => (
          <ScreenButton key={item.screen} screen={item.screen} label={item.label} />
        ))}
      </ul>
      <div className="sidebar-footer">
        {session?.mode === 'solo' && (
          <button
            type="button"
            className="button small"
            onClick={() => void textdesk().simulator.open()}
          >
            Phone simulator
          </button>
        )}
        <ConnectionStatus />
        <div className="me">
          <span className="me-name">
            {session?.user?.name === '' ? session.user.email : session?.user?.name}
          </span>
          <span className="muted small">{session?.user?.role}</span>
        </div>
        <label className="theme small">
          <span>Theme</span>
          <select
            value={theme}
            onChange={(event) => {
              setTheme(event.target.value as Theme);
            }}
          >
            {THEMES.map((item) => (
              <option key={item.theme} value={item.theme}>
                {item.label}
              </option>
            ))}
          </select>
        </label>
        <div className="footer-links small">
          <button type="button" className="link" onClick={props.onHelp}>
            Help
          </button>
          {session?.mode === 'team' && (
            <button type="button" className="link" onClick={() => void signOut()}>
              Sign out
            </button>
          )}
          {session?.mode === 'solo' && (
            // Leaves the built-in backend (its data stays) for the sign-in screen.
            <button type="button" className="link" onClick={() => void signOut()}>
              Join a team server
            </button>
          )}
        </div>
      </div>
    </nav>
  );
}
