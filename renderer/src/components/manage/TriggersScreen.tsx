import { type SubmitEvent, useState } from 'react';
import { lintTriggerKeyword } from '../../../../shared/consent';
import type { TriggerInput } from '../../../../shared/protocol/commands';
import type { TriggerSnapshot } from '../../../../shared/protocol/entities';
import { textdesk } from '../../api';
import { useStore } from '../../store';
import { Explainer } from '../Explainer';

/** "HELP, info ,INFO" → ["HELP", "info", "INFO"]: what a person typed, split on commas. */
const splitKeywords = (text: string) =>
  text
    .split(',')
    .map((keyword) => keyword.trim())
    .filter((keyword) => keyword !== '');

interface Draft {
  readonly id: string | undefined;
  readonly name: string;
  readonly keywords: string;
  readonly reply: string;
  readonly addToLists: readonly string[];
  readonly removeFromLists: readonly string[];
}

const draftOf = (trigger: TriggerSnapshot | null): Draft => ({
  id: trigger?.id,
  name: trigger?.name ?? '',
  keywords: trigger?.keywords.join(', ') ?? '',
  reply: trigger?.reply ?? '',
  addToLists: trigger?.addToLists ?? [],
  removeFromLists: trigger?.removeFromLists ?? [],
});

const inputOf = (trigger: TriggerSnapshot): TriggerInput => ({
  id: trigger.id,
  name: trigger.name,
  keywords: [...trigger.keywords],
  reply: trigger.reply,
  addToLists: [...trigger.addToLists],
  removeFromLists: [...trigger.removeFromLists],
});

/** Saves the whole set (triggers.update replaces it); answers the refusal or the warnings. */
async function saveSet(
  triggers: readonly TriggerInput[],
): Promise<{ error: string | null; warnings: readonly string[] }> {
  const result = await textdesk().commands.run({
    command: { type: 'triggers.update', triggers: [...triggers] },
  });
  if (!result.ok) return { error: result.error.message, warnings: [] };
  const value = result.value;
  if (value.state === 'queued') return { error: null, warnings: [] };
  const warnings = (value.value as { warnings?: { message: string }[] }).warnings ?? [];
  return { error: null, warnings: warnings.map((warning) => warning.message) };
}

function ListChoices(props: {
  readonly legend: string;
  readonly chosen: readonly string[];
  readonly onChange: (chosen: readonly string[]) => void;
}) {
  const lists = useStore((state) => state.account?.lists) ?? [];
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {lists.map((list) => (
        <label key={list.id} className="check">
          <input
            type="checkbox"
            checked={props.chosen.includes(list.id)}
            onChange={(event) => {
              props.onChange(
                event.target.checked
                  ? [...props.chosen, list.id]
                  : props.chosen.filter((id) => id !== list.id),
              );
            }}
          />
          {list.name}
        </label>
      ))}
    </fieldset>
  );
}

function TriggerEditor(props: {
  readonly draft: Draft;
  readonly others: readonly TriggerSnapshot[];
  readonly onSave: (input: TriggerInput) => Promise<string | null>;
  readonly onCancel: () => void;
}) {
  const [draft, setDraft] = useState(props.draft);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const keywords = splitKeywords(draft.keywords);
  // The lint as the supervisor types: errors block saving, warnings only inform.
  const problems = keywords.flatMap((keyword) =>
    lintTriggerKeyword(keyword, props.others).map((problem) => ({ keyword, ...problem })),
  );
  const blocking = problems.some((problem) => problem.severity === 'error');

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (blocking) return;
    setSaving(true);
    void props
      .onSave({
        ...(draft.id !== undefined && { id: draft.id }),
        name: draft.name.trim(),
        keywords,
        reply: draft.reply.trim() === '' ? null : draft.reply.trim(),
        addToLists: [...draft.addToLists],
        removeFromLists: [...draft.removeFromLists],
      })
      .then((refusal) => {
        setSaving(false);
        setError(refusal);
      });
  };

  return (
    <form className="card editor" onSubmit={submit} aria-label="Trigger">
      <label className="field">
        <span>Name</span>
        <input
          className="text-input"
          required
          maxLength={100}
          value={draft.name}
          onChange={(event) => {
            setDraft({ ...draft, name: event.target.value });
          }}
        />
      </label>
      <label className="field">
        <span>Keywords (separated by commas)</span>
        <input
          className="text-input"
          required
          value={draft.keywords}
          placeholder="HOURS, OPEN"
          aria-describedby="keyword-lint"
          onChange={(event) => {
            setDraft({ ...draft, keywords: event.target.value });
          }}
        />
      </label>
      <ul id="keyword-lint" className="lint" aria-live="polite">
        {problems.map((problem) => (
          <li key={`${problem.keyword}-${problem.code}`} className={`lint-${problem.severity}`}>
            {problem.message}
          </li>
        ))}
      </ul>
      <label className="field">
        <span>Reply (leave empty for none)</span>
        <textarea
          className="text-input"
          rows={3}
          maxLength={1600}
          value={draft.reply}
          onChange={(event) => {
            setDraft({ ...draft, reply: event.target.value });
          }}
        />
      </label>
      <div className="two-columns">
        <ListChoices
          legend="Take them off these lists"
          chosen={draft.removeFromLists}
          onChange={(removeFromLists) => {
            setDraft({ ...draft, removeFromLists });
          }}
        />
        <ListChoices
          legend="Put them on these lists"
          chosen={draft.addToLists}
          onChange={(addToLists) => {
            setDraft({ ...draft, addToLists });
          }}
        />
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={blocking || saving}>
          Save trigger
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Supervisors' triggers: keywords, the reply, list actions; and how a text would be read. */
export function TriggersScreen() {
  const triggers = useStore((state) => state.account?.triggers) ?? [];
  const lists = useStore((state) => state.account?.lists) ?? [];
  const notify = useStore((state) => state.notify);
  const [editing, setEditing] = useState<Draft | null>(null);
  const listName = (id: string) => lists.find((list) => list.id === id)?.name ?? 'a list';

  const save = async (input: TriggerInput): Promise<string | null> => {
    const all = triggers.map(inputOf);
    const next =
      input.id === undefined
        ? [...all, input]
        : all.map((trigger) => (trigger.id === input.id ? input : trigger));
    const { error, warnings } = await saveSet(next);
    if (error !== null) return error;
    setEditing(null);
    notify('info', warnings.length > 0 ? `Saved. ${warnings.join(' ')}` : 'Trigger saved.');
    return null;
  };

  const remove = async (trigger: TriggerSnapshot) => {
    const { error } = await saveSet(triggers.filter((t) => t.id !== trigger.id).map(inputOf));
    notify(error === null ? 'info' : 'error', error ?? `Trigger “${trigger.name}” deleted.`);
  };

  return (
    <div className="screen-body">
      <Explainer />
      <div className="row">
        <h2 className="section-title">Automatic replies</h2>
        <button
          type="button"
          className="button primary"
          onClick={() => {
            setEditing(draftOf(null));
          }}
        >
          Add trigger
        </button>
      </div>
      {editing !== null && editing.id === undefined && (
        <TriggerEditor
          draft={editing}
          others={triggers}
          onSave={save}
          onCancel={() => {
            setEditing(null);
          }}
        />
      )}
      <ul className="cards">
        {triggers.map((trigger) =>
          editing?.id === trigger.id ? (
            <li key={trigger.id}>
              <TriggerEditor
                draft={editing}
                others={triggers.filter((other) => other.id !== trigger.id)}
                onSave={save}
                onCancel={() => {
                  setEditing(null);
                }}
              />
            </li>
          ) : (
            <li key={trigger.id} className="card trigger-card" aria-label={trigger.name}>
              <div className="row">
                <h3>{trigger.name}</h3>
                <div className="actions-inline">
                  <button
                    type="button"
                    className="button small"
                    onClick={() => {
                      setEditing(draftOf(trigger));
                    }}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="button small danger"
                    onClick={() => void remove(trigger)}
                  >
                    Delete
                  </button>
                </div>
              </div>
              <p>
                {trigger.keywords.map((keyword) => (
                  <span key={keyword} className="tag keyword">
                    {keyword}
                  </span>
                ))}
              </p>
              <p className="muted">{trigger.reply ?? 'No reply.'}</p>
              {trigger.removeFromLists.length + trigger.addToLists.length > 0 && (
                <p className="small">
                  {[
                    ...trigger.removeFromLists.map((id) => `Off “${listName(id)}”`),
                    ...trigger.addToLists.map((id) => `Onto “${listName(id)}”`),
                  ].join(' · ')}
                </p>
              )}
            </li>
          ),
        )}
      </ul>
    </div>
  );
}
