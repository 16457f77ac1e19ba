import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  /** Opens the phone simulator; absent outside solo mode. */
  readonly openSimulator?: (() => void) | undefined;
}

/** The application menu: the usual roles, plus the phone simulator in solo mode. */
export function menuTemplate(
  platform: NodeJS.Platform,
  actions: MenuActions,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];
  if (mac) template.push({ role: 'appMenu' });
  template.push(
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  );
  if (actions.openSimulator !== undefined) {
    const open = actions.openSimulator;
    template.push({
      label: 'Tools',
      submenu: [{ label: 'Phone simulator', accelerator: 'CmdOrCtrl+Shift+P', click: open }],
    });
  }
  return template;
}

export function installMenu(platform: NodeJS.Platform, actions: MenuActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(platform, actions)));
}
