import { type SubmitEvent, useEffect, useState } from 'react';
import { optOutWording, withOptOutWording } from '../../../../shared/campaigns';
import type { IpcOutput } from '../../../../shared/ipc';
import { countSegments } from '../../../../shared/sms/segments';
import { textdesk } from '../../api';
import { campaignQuietLine } from '../../quietHours';
import { displayName, fullTime } from '../../format';
import { useStore } from '../../store';
import { selectCountry, selectIsSupervisor } from '../../store/sessionSlice';

type Campaign = IpcOutput<'campaigns.list'>[number];
type Preview = IpcOutput<'campaigns.preview'>;
type Recipients = IpcOutput<'campaigns.recipients'>;
type Purpose = 'marketing' | 'transactional';

const MERGE_FIELDS = ['{{first_name}}', '{{name}}', '{{business_name}}', '{{optout_link}}'];

const STATUS_LABELS: Readonly<Record<string, string>> = {
  skipped: 'Skipped',
  waiting: 'Waiting',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Failed',
};

function Composer(props: { readonly onSent: (campaign: string) => void }) {
  const lists = useStore((state) => state.account?.lists) ?? [];
  const supervisor = useStore(selectIsSupervisor);
  const changes = useStore((state) => state.changeCount);
  const [name, setName] = useState('');
  const [listId, setListId] = useState(lists[0]?.id ?? '');
  const [purpose, setPurpose] = useState<Purpose>('marketing');
  const [body, setBody] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  // Who would get it, recomputed as the list, the purpose or the account's data change.
  useEffect(() => {
    if (listId === '') return;
    void textdesk()
      .campaigns.preview({ listId, purpose })
      .then((result) => {
        setPreview(result.ok ? result.value : null);
      });
  }, [listId, purpose, changes]);

  const missingWording = purpose === 'marketing' && body.trim() !== '' && !optOutWording(body);
  const count = countSegments(body);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    const result = await textdesk().commands.run({
      command: { type: 'campaign.send', name: name.trim(), listId, purpose, body },
    });
    setSending(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setName('');
    setBody('');
    const value = result.value.state === 'done' ? result.value.value : null;
    const id = (value as { campaign?: { id: string } } | null)?.campaign?.id;
    if (id !== undefined) props.onSent(id);
  };

  return (
    <form
      className="card editor"
      onSubmit={(event) => void submit(event)}
      aria-label="New campaign"
    >
      <h2>New campaign</h2>
      <div className="form-grid">
        <label className="field">
          <span>Name</span>
          <input
            className="text-input"
            required
            maxLength={120}
            placeholder="Spring sale"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
        </label>
        <label className="field">
          <span>To the list</span>
          <select
            value={listId}
            onChange={(event) => {
              setListId(event.target.value);
            }}
          >
            {lists.map((list) => (
              <option key={list.id} value={list.id}>
                {list.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="purpose">
        <legend>Kind</legend>
        <label className="check">
          <input
            type="radio"
            name="purpose"
            checked={purpose === 'marketing'}
            onChange={() => {
              setPurpose('marketing');
            }}
          />
          Marketing (must say how to opt out)
        </label>
        <label className="check">
          <input
            type="radio"
            name="purpose"
            checked={purpose === 'transactional'}
            onChange={() => {
              setPurpose('transactional');
            }}
          />
          Transactional (orders, appointments)
        </label>
      </fieldset>
      <label className="field">
        <span>Text</span>
        <textarea
          className="text-input"
          rows={4}
          maxLength={1600}
          required
          value={body}
          onChange={(event) => {
            setBody(event.target.value);
          }}
        />
      </label>
      <div className="row">
        <div className="actions-inline">
          {MERGE_FIELDS.map((field) => (
            <button
              key={field}
              type="button"
              className="button small"
              onClick={() => {
                setBody(`${body}${body === '' || body.endsWith(' ') ? '' : ' '}${field}`);
              }}
            >
              {field}
            </button>
          ))}
        </div>
        <span className="muted small">
          {count.segments} {count.segments === 1 ? 'message' : 'messages'} each
          {count.encoding === 'UCS-2' ? ' · Unicode' : ''}
        </span>
      </div>
      {missingWording && (
        <div className="warning-box" role="alert">
          A marketing campaign must tell people how to opt out.{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              setBody(withOptOutWording(body));
            }}
          >
            Add “Reply STOP to opt out.”
          </button>
        </div>
      )}
      {preview !== null && (
        <p className="preview" role="status" data-testid="campaign-preview">
          <strong>{preview.willReceive} will receive it</strong>
          {preview.skipped
            .filter((skip) => skip.count > 0)
            .map((skip) => ` · ${String(skip.count)} skipped: ${skip.label}`)
            .join('')}
        </p>
      )}
      {preview !== null && (
        <p className="muted small" data-testid="campaign-quiet-hours">
          {campaignQuietLine(preview.quiet.hours, preview.quiet.outsideNow, preview.willReceive)}
        </p>
      )}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button
          type="submit"
          className="button primary"
          disabled={!supervisor || sending || missingWording || body.trim() === '' || listId === ''}
        >
          Send campaign
        </button>
        {!supervisor && (
          <span className="muted small">Only supervisors and admins can send campaigns.</span>
        )}
      </div>
    </form>
  );
}

function RecipientTable(props: { readonly campaign: Campaign }) {
  const country = useStore(selectCountry);
  const changes = useStore((state) => state.changeCount);
  const [recipients, setRecipients] = useState<Recipients | null>(null);
  useEffect(() => {
    void textdesk()
      .campaigns.recipients({ campaignId: props.campaign.id, limit: 500 })
      .then((result) => {
        if (result.ok) setRecipients(result.value);
      });
  }, [props.campaign.id, changes]);
  if (recipients === null) return null;
  return (
    <table className="table" aria-label={`Recipients of ${props.campaign.name}`}>
      <thead>
        <tr>
          <th>Contact</th>
          <th>Status</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {recipients.rows.map((row) => (
          <tr key={row.contactId} aria-label={displayName(row, country)}>
            <td>{displayName(row, country)}</td>
            <td className={row.status === 'failed' ? 'error' : undefined}>
              {STATUS_LABELS[row.status] ?? row.status}
            </td>
            <td className="muted">{row.reason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CampaignCard(props: {
  readonly campaign: Campaign;
  readonly open: boolean;
  readonly onToggle: () => void;
}) {
  const { campaign } = props;
  const lists = useStore((state) => state.account?.lists) ?? [];
  const { counts } = campaign;
  const done = counts.sent + counts.delivered + counts.failed;
  const toSend = Math.max(1, counts.recipients - counts.skipped);
  return (
    <li className="card campaign-card" aria-label={campaign.name}>
      <div className="row">
        <div>
          <h3>{campaign.name}</h3>
          <p className="muted small">
            {campaign.purpose === 'marketing' ? 'Marketing' : 'Transactional'} · to “
            {lists.find((list) => list.id === campaign.listId)?.name ?? 'a deleted list'}” ·{' '}
            {fullTime(campaign.createdAt)}
          </p>
        </div>
        <button
          type="button"
          className="button small"
          aria-expanded={props.open}
          onClick={props.onToggle}
        >
          {props.open ? 'Hide recipients' : 'Recipients'}
        </button>
      </div>
      <progress max={toSend} value={done} aria-label={`${campaign.name} progress`} />
      <p className="small" data-testid="campaign-counts">
        {campaign.status === 'done'
          ? 'Done'
          : campaign.status === 'scheduled'
            ? 'Scheduled'
            : 'Sending'}{' '}
        · {counts.delivered} delivered · {counts.sent} sent · {counts.waiting} waiting ·{' '}
        {counts.failed} failed · {counts.skipped} skipped
      </p>
      {props.open && <RecipientTable campaign={campaign} />}
    </li>
  );
}

/** Campaigns: compose to a list with a live recipient preview, send, follow each recipient. */
export function CampaignsScreen() {
  const changes = useStore((state) => state.changeCount);
  const [campaigns, setCampaigns] = useState<readonly Campaign[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    void textdesk()
      .campaigns.list()
      .then((result) => {
        if (result.ok) setCampaigns(result.value);
      });
  }, [changes]);
  return (
    <div className="screen-body">
      <Composer onSent={setOpen} />
      <ul className="cards">
        {campaigns.map((campaign) => (
          <CampaignCard
            key={campaign.id}
            campaign={campaign}
            open={open === campaign.id}
            onToggle={() => {
              setOpen(open === campaign.id ? null : campaign.id);
            }}
          />
        ))}
      </ul>
    </div>
  );
}
