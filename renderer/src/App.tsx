import { useEffect, useRef, useState } from 'react';
import { textdesk } from './api';
import { About } from './components/About';
import { ContactPanel } from './components/ContactPanel';
import { ConversationList } from './components/ConversationList';
import { ManageScreen } from './components/manage/ManageScreen';
import { SearchDialog } from './components/SearchDialog';
import { Sidebar } from './components/Sidebar';
import { SignIn } from './components/SignIn';
import { Thread } from './components/Thread';
import { UpdateBanner } from './components/UpdateBanner';
import { useShortcuts } from './shortcuts';
import { useStore } from './store';

/** Main's events, into the store. */
function useMainEvents(): void {
  useEffect(() => {
    const api = textdesk();
    const store = useStore.getState;
    const stops = [
      api.on('session.changed', (session) => {
        store().sessionChanged(session);
      }),
      api.on('sync.status', (status) => {
        store().syncChanged(status);
      }),
      api.on('data.changed', (changes) => {
        store().dataChanged(changes);
      }),
      api.on('outbox.cancelled', (cancelled) => {
        store().notify('error', `A text was not sent: ${cancelled.reason}`);
        if (cancelled.conversationId === store().selectedId) void store().reloadThread();
      }),
      api.on('app.openConversation', ({ conversationId }) => {
        void store().openConversation(conversationId);
      }),
      api.on('presence.changed', ({ conversationId, people }) => {
        store().presenceChanged(conversationId, people);
      }),
    ];
    void store().loadSession();
    // Unread texts in the open conversation are read once the window has focus again.
    const focused = () => {
      store().markRead();
    };
    window.addEventListener('focus', focused);
    return () => {
      for (const stop of stops) stop();
      window.removeEventListener('focus', focused);
    };
  }, []);
}

function useTheme(): void {
  const theme = useStore((state) => state.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
}

function Notices() {
  const notices = useStore((state) => state.notices);
  const dismiss = useStore((state) => state.dismissNotice);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.kind}`} role="alert">
          <span>{notice.text}</span>
          <button
            type="button"
            className="link"
            aria-label="Dismiss"
            onClick={() => {
              dismiss(notice.id);
            }}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

function Inbox() {
  const contactPanel = useRef<HTMLDivElement>(null);
  const [help, setHelp] = useState(false);
  const screen = useStore((state) => state.screen);
  const showContact = () => {
    contactPanel.current?.querySelector<HTMLElement>('#contact-opted-in')?.focus();
  };
  useShortcuts({
    help: () => {
      setHelp(true);
    },
  });
  return (
    <div className="inbox">
      <Sidebar
        onHelp={() => {
          setHelp(true);
        }}
      />
      {screen === 'inbox' ? (
        <>
          <section className="list-pane" aria-label="Conversation list">
            <ConversationList />
          </section>
          <Thread onShowContact={showContact} />
          <div ref={contactPanel} className="contact-pane">
            <ContactPanel />
          </div>
        </>
      ) : (
        <ManageScreen screen={screen} />
      )}
      <SearchDialog />
      {help && (
        <About
          onClose={() => {
            setHelp(false);
          }}
        />
      )}
    </div>
  );
}

export function App() {
  useMainEvents();
  useTheme();
  const session = useStore((state) => state.session);
  return (
    <>
      {session === null ? (
        <main className="starting muted">Starting…</main>
      ) : session.user === null ? (
        <SignIn />
      ) : (
        <Inbox />
      )}
      <UpdateBanner />
      <Notices />
    </>
  );
}
