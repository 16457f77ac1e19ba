import type { ReactNode } from 'react';
import { useStore } from '../../store';
import { selectIsSupervisor } from '../../store/sessionSlice';
import type { Screen } from '../../store/uiSlice';
import { TriggersScreen } from './TriggersScreen';

/** A management screen, with its title; the role checks main and the server make are mirrored here. */
function Page(props: { readonly title: string; readonly children: ReactNode }) {
  return (
    <main className="screen" aria-label={props.title}>
      <h1 className="screen-title">{props.title}</h1>
      {props.children}
    </main>
  );
}

function NotAllowed(props: { readonly title: string; readonly who: string }) {
  return (
    <Page title={props.title}>
      <p className="muted" role="alert">
        Only {props.who} can open {props.title.toLowerCase()}.
      </p>
    </Page>
  );
}

export function ManageScreen(props: { readonly screen: Exclude<Screen, 'inbox'> }) {
  const supervisor = useStore(selectIsSupervisor);
  const admin = useStore((state) => state.session?.user?.role === 'admin');
  switch (props.screen) {
    case 'triggers':
      return supervisor ? (
        <Page title="Triggers">
          <TriggersScreen />
        </Page>
      ) : (
        <NotAllowed title="Triggers" who="supervisors and admins" />
      );
    case 'settings':
      return admin ? (
        <Page title="Settings">
          <p className="muted">Settings are on their way.</p>
        </Page>
      ) : (
        <NotAllowed title="Settings" who="admins" />
      );
    case 'lists':
      return (
        <Page title="Lists">
          <p className="muted">Lists are on their way.</p>
        </Page>
      );
    case 'campaigns':
      return (
        <Page title="Campaigns">
          <p className="muted">Campaigns are on their way.</p>
        </Page>
      );
    case 'report':
      return (
        <Page title="Opt-out report">
          <p className="muted">The report is on its way.</p>
        </Page>
      );
  }
}
