import { useCallback, useRef, useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';

export type ConfirmRequest = {
  title: string;
  /** what will happen, in plain words */
  message: ReactNode;
  /** the button that goes ahead: "Delete", "Dismiss all" (never "OK") */
  confirmLabel: string;
  /** a destructive action is drawn as such */
  danger?: boolean;
};

/**
 * An app dialog in place of the browser's native confirm(), which blocks the page, looks foreign,
 * cannot be themed and is suppressed by some browsers. The confirming button names the action;
 * Esc, × and Cancel all decline. Focus starts on Cancel, so Enter never destroys by accident.
 */
export function ConfirmDialog({
  request,
  onAnswer,
}: {
  request: ConfirmRequest;
  onAnswer: (confirmed: boolean) => void;
}) {
  return (
    <Dialog
      title={request.title}
      onClose={() => onAnswer(false)}
      footer={
        <>
          <button type="button" className="button" data-autofocus onClick={() => onAnswer(false)}>
            Cancel
          </button>
          <button
            type="button"
            className={request.danger ? 'button danger' : 'button primary'}
            onClick={() => onAnswer(true)}
          >
            {request.confirmLabel}
          </button>
        </>
      }
    >
      <p className="confirm-message">{request.message}</p>
    </Dialog>
  );
}

/**
 * `const [confirmDialog, confirm] = useConfirm();` then `if (await confirm({...})) …`, and render
 * `{confirmDialog}` anywhere in the component.
 */
export function useConfirm(): [ReactNode, (request: ConfirmRequest) => Promise<boolean>] {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const resolver = useRef<((confirmed: boolean) => void) | null>(null);
  const confirm = useCallback(
    (next: ConfirmRequest) =>
      new Promise<boolean>((resolve) => {
        // A second question replaces the first, which counts as declined.
        resolver.current?.(false);
        resolver.current = resolve;
        setRequest(next);
      }),
    [],
  );
  const answer = (confirmed: boolean) => {
    resolver.current?.(confirmed);
    resolver.current = null;
    setRequest(null);
  };
  const element = request ? <ConfirmDialog request={request} onAnswer={answer} /> : null;
  return [element, confirm];
}
