// The form for a peer hub, to add one or change one. The stored token or password is never
// sent back by the hub: when changing a peer, an empty secret field keeps the stored one.
import { useState, type FormEvent } from 'react';
import { api, errorMessage, seg } from '../api.ts';
import { authOptions, directionOptions, localCollectionOptions, type Peer, type PeerAuthKind, type PeerDirection } from '../federation-types.ts';
import { parseLines } from '../format.ts';
import { CheckboxField, SelectField, TextAreaField, TextField } from './fields.tsx';
import { Notice } from './notice.tsx';

interface Props {
  /** the peer to change; absent: a new one */
  peer?: Peer;
  onSaved(peer: Peer): void;
  onCancel?: () => void;
}

export function PeerForm({ peer, onSaved, onCancel }: Props) {
  const [name, setName] = useState(peer?.name ?? '');
  const [url, setUrl] = useState(peer?.url ?? '');
  const [direction, setDirection] = useState<PeerDirection>(peer?.direction ?? 'both');
  const [authKind, setAuthKind] = useState<PeerAuthKind>(peer?.authKind ?? 'bearer');
  const [username, setUsername] = useState(peer?.username ?? '');
  const [secret, setSecret] = useState('');
  const [pull, setPull] = useState((peer?.pullCollections ?? []).join('\n'));
  const [local, setLocal] = useState<string>(peer?.localCollection ?? 'public');
  const [pushTo, setPushTo] = useState(peer?.pushCollection ?? '');
  const [interval, setIntervalText] = useState(String(peer?.intervalSeconds ?? 300));
  const [sameCommunity, setSameCommunity] = useState(peer?.sameCommunity ?? false);
  const [enabled, setEnabled] = useState(peer?.enabled ?? true);
  const [inboundToken, setInboundToken] = useState(peer?.inboundTokenId ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pulls = direction !== 'push';
  const pushes = direction !== 'pull';
  const keepsSecret = peer !== undefined && peer.authKind === authKind && authKind !== 'none';
  const formId = peer ? `edit-peer-${peer.id}` : 'add-peer';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!/^https?:\/\//i.test(url.trim())) {
      setError('The address must start with https:// (or http:// if the operator allows it).');
      return;
    }
    const seconds = Number(interval);
    if (!Number.isInteger(seconds) || seconds < 10 || seconds > 86_400) {
      setError('The pull interval must be a whole number of seconds from 10 to 86400.');
      return;
    }
    const body: Record<string, unknown> = {
      name: name.trim(),
      url: url.trim(),
      direction,
      authKind,
      pullCollections: pulls ? parseLines(pull) : [],
      localCollection: local,
      pushCollection: pushes && pushTo.trim() ? pushTo.trim() : null,
      intervalSeconds: seconds,
      sameCommunity,
      enabled,
      inboundTokenId: inboundToken.trim() || null,
    };
    if (authKind === 'basic') body.username = username.trim();
    if (authKind !== 'none' && (secret || !keepsSecret)) body.secret = secret;
    setBusy(true);
    try {
      const saved = peer ? await api.patch<Peer>(`/api/peers/${seg(peer.id)}`, body) : await api.post<Peer>('/api/peers', body);
      setSecret('');
      if (!peer) {
        setName('');
        setUrl('');
        setPull('');
        setPushTo('');
        setInboundToken('');
      }
      onSaved(saved);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form spaced" onSubmit={submit} aria-labelledby={formId}>
      <h3 id={formId}>{peer ? `Change ${peer.name}` : 'Add a peer hub'}</h3>
      <div className="grid-2">
        <TextField label="Name" hint="For example “State fusion centre”." required autoComplete="off" value={name} onChange={setName} />
        <SelectField label="Direction" value={direction} options={directionOptions} onChange={(v) => setDirection(v as PeerDirection)} />
      </div>
      <TextField
        label="TAXII address"
        type="url"
        inputMode="url"
        spellCheck={false}
        autoComplete="off"
        required
        hint="The peer's TAXII 2.1 discovery address (ending in /taxii2/) or API root, for example https://hub.state.example/taxii2/."
        value={url}
        onChange={setUrl}
      />
      <div className="grid-2">
        <SelectField label="Credential" value={authKind} options={authOptions} onChange={(v) => setAuthKind(v as PeerAuthKind)} />
        {authKind === 'basic' ? <TextField label="User name" autoComplete="off" spellCheck={false} value={username} onChange={setUsername} /> : null}
      </div>
      {authKind !== 'none' ? (
        <TextField
          label={authKind === 'bearer' ? 'Token' : 'Password'}
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          required={!keepsSecret}
          hint={
            keepsSecret
              ? `Stored (${peer?.secretHint ?? 'hidden'}). Leave empty to keep it.`
              : 'Given to this hub by the peer’s operator: an API token with read (to pull) and write (to push) access there.'
          }
          value={secret}
          onChange={setSecret}
        />
      ) : null}
      {pulls ? (
        <div className="grid-2">
          <TextAreaField
            label="Collections to pull"
            hint="The peer’s collection ids, one per line. “Test” lists the peer’s collections."
            spellCheck={false}
            value={pull}
            onChange={setPull}
          />
          <SelectField label="Pulled objects land in" value={local} options={localCollectionOptions} onChange={setLocal} />
        </div>
      ) : null}
      {pushes ? (
        <TextField label="Collection to push to" hint="The peer’s collection id that accepts our objects." spellCheck={false} autoComplete="off" value={pushTo} onChange={setPushTo} />
      ) : null}
      <TextField label="Pull every (seconds)" type="number" inputMode="numeric" min={10} max={86400} value={interval} onChange={setIntervalText} />
      <CheckboxField
        label="Same community"
        hint="TLP:GREEN shared with all members may go to this peer. Without it only TLP:CLEAR leaves; AMBER, AMBER+STRICT and RED never leave the hub."
        checked={sameCommunity}
        onChange={setSameCommunity}
      />
      <TextField
        label="Its token here (optional)"
        hint="The id (tk…) of the API token this peer calls our hub with, as the Tokens page lists it. That token then reads only what may leave to this peer, and what it posts is recorded as the peer’s."
        spellCheck={false}
        autoComplete="off"
        value={inboundToken}
        onChange={setInboundToken}
      />
      <CheckboxField label="Enabled" hint="Pull on schedule and push as objects are added." checked={enabled} onChange={setEnabled} />
      <Notice error={error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {peer ? 'Save changes' : 'Add peer hub'}
        </button>
        {onCancel ? (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
