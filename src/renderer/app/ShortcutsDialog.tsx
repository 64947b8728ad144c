import { SHORTCUTS } from '../keyboard/shortcuts';
import { useUi } from '../state/StoresProvider';
import { Dialog } from '../ui/Dialog';

export function ShortcutsDialog() {
  const close = useUi((s) => s.closeDialog);
  return (
    <Dialog title="Keyboard shortcuts" onClose={close}>
      <table className="data-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                <kbd>{s.keys}</kbd>
              </th>
              <td>{s.action}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
