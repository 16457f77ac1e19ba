import { useState } from 'react';
import { fillTemplate } from '../../../shared/templates';
import { useStore } from '../store';

/** The account's shared templates, filled in for the open conversation's contact. */
export function TemplatePicker(props: { readonly onPick: (text: string) => void }) {
  const templates = useStore((state) => state.account?.templates);
  const businessName = useStore((state) => state.account?.profile?.businessName ?? '');
  const contactName = useStore((state) => state.contactView?.contact.name ?? '');
  const agentName = useStore((state) => state.session?.user?.name ?? '');
  const [open, setOpen] = useState(false);
  if (templates === undefined || templates.length === 0) return null;
  return (
    <div className="template-picker">
      <button
        type="button"
        className="button small"
        aria-expanded={open}
        aria-haspopup="menu"
        onClick={() => {
          setOpen(!open);
        }}
      >
        Templates
      </button>
      {open && (
        <ul className="menu" role="menu" aria-label="Templates">
          {templates.map((template) => (
            <li key={template.id} role="none">
              <button
                type="button"
                role="menuitem"
                className="menu-item"
                onClick={() => {
                  setOpen(false);
                  props.onPick(
                    fillTemplate(template.body, { contactName, businessName, agentName }),
                  );
                }}
              >
                <span className="menu-item-title">{template.name}</span>
                <span className="muted small">{template.body}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
