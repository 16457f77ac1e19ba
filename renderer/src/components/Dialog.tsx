import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * A modal dialog on the platform's <dialog>: focus moves in and is kept
 * there, Escape cancels, and the page behind is inert.
 */
export function Dialog(props: {
  readonly title: string;
  readonly children: ReactNode;
  readonly onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}
