import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { buildAppMenuTemplate, type MenuItemTemplate } from '../../../src/main/electron/app-menu';
import { createTray } from '../../../src/main/electron/tray';

class FakeTray extends EventEmitter {
  tooltip = '';
  menu: unknown;
  destroyed = false;
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: unknown) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
}

const labelsOf = (items: MenuItemTemplate[]) => items.map((i) => i.label ?? i.role ?? i.type);

describe('tray', () => {
  it('has Show and Quit, and a click shows the window', () => {
    const show = vi.fn();
    const quit = vi.fn();
    let template: MenuItemTemplate[] = [];
    const tray = createTray({
      createTray: () => new FakeTray(),
      buildMenu: (t) => {
        template = t;
        return { built: t };
      },
      show,
      quit,
    });
    expect(tray.tooltip).toBe('Candlewatch');
    expect(tray.menu).toEqual({ built: template });
    expect(labelsOf(template)).toEqual(['Show Candlewatch', 'separator', 'Quit']);
    template[0]?.click?.();
    template[2]?.click?.();
    tray.emit('click');
    expect(show).toHaveBeenCalledTimes(2);
    expect(quit).toHaveBeenCalledTimes(1);
  });
});

describe('application menu', () => {
  it('on Linux and Windows: File with Quit, Edit, View, Window, Help', () => {
    const quit = vi.fn();
    const template = buildAppMenuTemplate({ platform: 'linux', devTools: false, quit });
    expect(labelsOf(template)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'Help']);
    const quitItem = template[0]?.submenu?.[0];
    expect(quitItem).toMatchObject({ label: 'Quit Candlewatch', accelerator: 'CmdOrCtrl+Q' });
    quitItem?.click?.();
    expect(quit).toHaveBeenCalledTimes(1);
  });

  it('on macOS: the app menu replaces File and Help', () => {
    const template = buildAppMenuTemplate({ platform: 'darwin', devTools: false, quit: () => {} });
    expect(labelsOf(template)).toEqual(['appMenu', 'editMenu', 'View', 'windowMenu']);
  });

  it('offers DevTools only in development', () => {
    const roles = (devTools: boolean) =>
      buildAppMenuTemplate({ platform: 'linux', devTools, quit: () => {} })
        .find((i) => i.label === 'View')
        ?.submenu?.map((i) => i.role);
    expect(roles(true)).toContain('toggleDevTools');
    expect(roles(false)).not.toContain('toggleDevTools');
  });
});
