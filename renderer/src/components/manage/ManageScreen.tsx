import type { ReactNode } from 'react';
import { useStore } from '../../store';
import { selectIsSupervisor } from '../../store/sessionSlice';
import type { Screen } from '../../store/uiSlice';
import { CampaignsScreen } from './CampaignsScreen';
import { ListsScreen } from './ListsScreen';
import { ReportScreen } from './ReportScreen';
import { SettingsScreen } from './SettingsScreen';
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
          <SettingsScreen />
        </Page>
      ) : (
        <NotAllowed title="Settings" who="admins" />
      );
    case 'lists':
      return (
        <Page title="Lists">
          <ListsScreen />
        </Page>
      );
    case 'campaigns':
      return (
        <Page title="Campaigns">
          <CampaignsScreen />
        </Page>
      );
    case 'report':
      return (
        <Page title="Opt-out report">
          <ReportScreen />
        </Page>
      );
  }
}
