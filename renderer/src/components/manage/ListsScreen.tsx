import { useVirtualizer } from '@tanstack/react-virtual';
import { type SubmitEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { IpcOutput } from '../../../../shared/ipc';
import { textdesk } from '../../api';
import { download } from '../../download';
import { displayPhone, optedOutText } from '../../format';
import { useStore } from '../../store';
import { selectCountry, selectIsSupervisor } from '../../store/sessionSlice';
import { useFileDrop } from '../fileDrop';
import { NavButton } from '../NavButton';
import { ImportDialog, type ImportTarget } from './ImportDialog';

type Members = IpcOutput<'lists.members'>;
type Member = Members['rows'][number];
/** A list of the account, or the Opt-Out List (everyone opted out). */
type Selected = { readonly kind: 'list'; readonly id: string } | { readonly kind: 'opt-out' };

const ROW_HEIGHT = 44;
function consentText(member: Member): string {
  if (member.blocked) return 'Blocked';
  if (member.optedIn) return 'Opted in';
  return member.optOut === null ? 'Opted out' : optedOutText(member.optOut);
}

/** The members, virtualized: a list may hold tens of thousands. */
function MemberTable(props: { readonly selected: Selected; readonly version: number }) {
  const country = useStore(selectCountry);
  const act = useStore((state) => state.act);
  const [page, setPage] = useState<Members>({ rows: [], next: null, total: 0 });
  const [loading, setLoading] = useState(false);
  const parent = useRef<HTMLDivElement>(null);

  const load = useCallback(
    async (after: Members['next'], rows: readonly Member[]) => {
      setLoading(true);
      const input = { ...(after !== null && { after }), limit: 200 };
      const result =
        props.selected.kind === 'list'
          ? await textdesk().lists.members({ listId: props.selected.id, ...input })
          : await textdesk().lists.optedOut(input);
      setLoading(false);
      if (result.ok) setPage({ ...result.value, rows: [...rows, ...result.value.rows] });
    },
    [props.selected],
  );

  const changes = useStore((state) => state.changeCount);
  useEffect(() => {
    void load(null, []);
  }, [load, props.version, changes]);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer's functions change under React Compiler's memoization; nothing here is compiled
  const virtualizer = useVirtualizer({
    count: page.rows.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (page.next !== null && !loading && lastIndex >= page.rows.length - 30) {
      void load(page.next, page.rows);
    }
  }, [lastIndex, page, loading, load]);

  const listId = props.selected.kind === 'list' ? props.selected.id : null;
  return (
    <div className="members">
      <p className="muted small" data-testid="member-count">
        {page.total.toLocaleString()} {page.total === 1 ? 'contact' : 'contacts'}
      </p>
      <div className="members-head" role="row">
        <span>Name</span>
        <span>Number</span>
        <span>Consent</span>
        {listId !== null && <span>On list</span>}
      </div>
      <div ref={parent} className="members-scroll">
        <div
          role="table"
          aria-label="Members"
          className="members-body"
          style={{ height: `${String(virtualizer.getTotalSize())}px` }}
        >
          {items.map((item) => {
            const member = page.rows[item.index];
            if (member === undefined) return null;
            return (
              <div
                key={member.contactId}
                role="row"
                aria-label={member.name === '' ? member.phone : member.name}
                className={`member-row${member.optedIn && !member.blocked ? '' : ' member-out'}`}
                style={{ transform: `translateY(${String(item.start)}px)` }}
              >
                <span role="cell">{member.name === '' ? '—' : member.name}</span>
                <span role="cell">{displayPhone(member.phone, country)}</span>
                <span role="cell" className="member-consent">
                  {consentText(member)}
                </span>
                {listId !== null && (
                  <span role="cell">
                    <input
                      type="checkbox"
                      aria-label={`On the list: ${member.name === '' ? member.phone : member.name}`}
                      defaultChecked
                      onChange={(event) =>
                        void act({
                          type: 'contact.lists',
                          contactId: member.contactId,
                          listId,
                          member: event.target.checked,
                        })
                      }
                    />
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function NewList(props: { readonly onCreated: (id: string) => void }) {
  const act = useStore((state) => state.act);
  const [name, setName] = useState('');
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void act({ type: 'list.create', name: name.trim() }).then((result) => {
      const list = (result?.value as { list?: { id: string } } | undefined)?.list;
      if (list !== undefined) {
        setName('');
        props.onCreated(list.id);
      }
    });
  };
  return (
    <form className="new-list" onSubmit={submit}>
      <input
        className="text-input"
        aria-label="New list name"
        placeholder="New list"
        maxLength={100}
        value={name}
        onChange={(event) => {
          setName(event.target.value);
        }}
      />
      <button type="submit" className="button small" disabled={name.trim() === ''}>
        Create
      </button>
    </form>
  );
}

/** How many contacts each list holds, read again whenever stored changes come in. */
function useListSizes(): Readonly<Record<string, number>> {
  const changes = useStore((state) => state.changeCount);
  const [sizes, setSizes] = useState<Readonly<Record<string, number>>>({});
  useEffect(() => {
    let stale = false;
    void textdesk()
      .lists.sizes()
      .then((result) => {
        if (!stale && result.ok) setSizes(result.value);
      });
    return () => {
      stale = true;
    };
  }, [changes]);
  return sizes;
}

/** Where an import goes, with the file dropped onto the list, if it was. */
interface Importing {
  readonly target: ImportTarget;
  readonly file?: File;
}

/** Lists: members and their consent, clean-up, import and export. */
export function ListsScreen() {
  const lists = useStore((state) => state.account?.lists) ?? [];
  const sizes = useListSizes();
  const supervisor = useStore(selectIsSupervisor);
  const notify = useStore((state) => state.notify);
  const act = useStore((state) => state.act);
  const [selected, setSelected] = useState<Selected | null>(null);
  const [importing, setImporting] = useState<Importing | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  // Bumped after an import, so the table reads its members again (it also does after changes).
  const [version, setVersion] = useState(0);

  const firstId = lists[0]?.id;
  const current = useMemo<Selected | null>(
    () => selected ?? (firstId === undefined ? null : { kind: 'list', id: firstId }),
    [selected, firstId],
  );
  const list = current?.kind === 'list' ? lists.find((item) => item.id === current.id) : undefined;
  const targetOf = (item: { id: string; name: string } | undefined): ImportTarget =>
    item === undefined ? { kind: 'opt-out' } : { kind: 'list', listId: item.id, name: item.name };
  const detailDrop = useFileDrop(
    current === null
      ? undefined
      : (file) => {
          setImporting({ target: targetOf(list), file });
        },
  );

  const exportAs = async (format: 'csv' | 'vcard') => {
    if (current === null) return;
    const target = current.kind === 'list' ? { listId: current.id } : { optOut: true as const };
    if (format === 'csv') {
      const result = await textdesk().lists.exportCsv(target);
      if (result.ok) download(result.value.filename, result.value.csv);
      else notify('error', result.error.message);
    } else {
      const result = await textdesk().lists.exportVcard(target);
      if (result.ok) download(result.value.filename, result.value.vcard, 'text/vcard', false);
      else notify('error', result.error.message);
    }
  };

  const cleanUp = async () => {
    if (list === undefined) return;
    const value = (await act({ type: 'list.cleanup', listId: list.id }))?.value as
      { removed?: number } | undefined;
    if (value?.removed !== undefined) {
      notify(
        'info',
        value.removed === 0
          ? `Nobody on “${list.name}” is opted out or blocked.`
          : `Removed ${String(value.removed)} opted-out or blocked ${value.removed === 1 ? 'contact' : 'contacts'} from “${list.name}”.`,
      );
    }
  };

  return (
    <div className="lists-screen">
      <nav className="lists-nav" aria-label="Lists">
        <ul className="nav-list">
          {lists.map((item) => (
            <NavButton
              key={item.id}
              label={item.name}
              count={sizes[item.id] ?? 0}
              countTitle="Contacts on the list"
              selected={current?.kind === 'list' && current.id === item.id}
              onClick={() => {
                setSelected({ kind: 'list', id: item.id });
              }}
              onDropFile={(file) => {
                setSelected({ kind: 'list', id: item.id });
                setImporting({ target: targetOf(item), file });
              }}
            />
          ))}
          <NavButton
            label="Opt-Out List"
            selected={current?.kind === 'opt-out'}
            onClick={() => {
              setSelected({ kind: 'opt-out' });
            }}
            onDropFile={(file) => {
              setSelected({ kind: 'opt-out' });
              setImporting({ target: { kind: 'opt-out' }, file });
            }}
          />
        </ul>
        <NewList
          onCreated={(id) => {
            setSelected({ kind: 'list', id });
          }}
        />
      </nav>
      {current !== null && (
        <section
          className={`list-detail${detailDrop.dragging ? ' drop-target' : ''}`}
          aria-label={list?.name ?? 'Opt-Out List'}
          {...detailDrop.handlers}
        >
          <div className="row">
            {renaming !== null && list !== undefined ? (
              <form
                className="rename"
                onSubmit={(event) => {
                  event.preventDefault();
                  void act({ type: 'list.rename', listId: list.id, name: renaming.trim() }).then(
                    (result) => {
                      if (result !== null) setRenaming(null);
                    },
                  );
                }}
              >
                <input
                  className="text-input"
                  aria-label="List name"
                  value={renaming}
                  maxLength={100}
                  onChange={(event) => {
                    setRenaming(event.target.value);
                  }}
                />
                <button type="submit" className="button small primary">
                  Save
                </button>
              </form>
            ) : (
              <h2 className="section-title">{list?.name ?? 'Opt-Out List'}</h2>
            )}
            <div className="actions-inline">
              <button
                type="button"
                className="button small"
                title="A CSV or vCard file: Google Contacts, Outlook, a phone, another texting tool. You can also drop the file onto the list."
                onClick={() => {
                  setImporting({ target: targetOf(list) });
                }}
              >
                Import contacts
              </button>
              <button type="button" className="button small" onClick={() => void exportAs('csv')}>
                Export CSV
              </button>
              <button type="button" className="button small" onClick={() => void exportAs('vcard')}>
                Export vCard
              </button>
              {list !== undefined && (
                <>
                  <button type="button" className="button small" onClick={() => void cleanUp()}>
                    Clean up: remove opted-out
                  </button>
                  <button
                    type="button"
                    className="button small"
                    onClick={() => {
                      setRenaming(list.name);
                    }}
                  >
                    Rename
                  </button>
                  {supervisor && list.kind !== 'marketing-opt-out' && (
                    <button
                      type="button"
                      className="button small danger"
                      onClick={() =>
                        void act({ type: 'list.delete', listId: list.id }).then((result) => {
                          if (result !== null) setSelected(null);
                        })
                      }
                    >
                      Delete
                    </button>
                  )}
                </>
              )}
            </div>
          </div>
          <MemberTable selected={current} version={version} />
        </section>
      )}
      {importing !== null && (
        <ImportDialog
          target={importing.target}
          file={importing.file}
          onClose={() => {
            setImporting(null);
            setVersion((value) => value + 1);
          }}
        />
      )}
    </div>
  );
}
