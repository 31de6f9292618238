// The organisation form used to create one (operator) and to edit one (operator: all
// fields; org admin: contact and network assets only).
import { joinLines, parseAsns, parseLines, sameList } from '../format.ts';
import { orgKinds, type Org, type OrgInput, type OrgKind } from '../types.ts';
import { CheckboxField, SelectField, TextAreaField, TextField } from './fields.tsx';

export interface OrgDraft {
  name: string;
  kind: OrgKind;
  population: string;
  region: string;
  observer: boolean;
  contactName: string;
  contactEmail: string;
  contactPhone: string;
  domains: string;
  ipRanges: string;
  asns: string;
}

export const emptyOrgDraft: OrgDraft = {
  name: '',
  kind: 'city',
  population: '',
  region: '',
  observer: false,
  contactName: '',
  contactEmail: '',
  contactPhone: '',
  domains: '',
  ipRanges: '',
  asns: '',
};

export function orgToDraft(org: Org): OrgDraft {
  return {
    name: org.name,
    kind: org.kind,
    population: org.population === null ? '' : String(org.population),
    region: org.region ?? '',
    observer: org.observer,
    contactName: org.contact.name ?? '',
    contactEmail: org.contact.email ?? '',
    contactPhone: org.contact.phone ?? '',
    domains: joinLines(org.domains),
    ipRanges: joinLines(org.ipRanges),
    asns: joinLines(org.asns),
  };
}

function orNull(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

/** The draft as API fields, or a message saying which field to fix. */
export function draftToInput(draft: OrgDraft): { input: OrgInput } | { error: string } {
  let population: number | null = null;
  const pop = draft.population.replace(/[\s,_]/g, '');
  if (pop !== '') {
    if (!/^\d+$/.test(pop)) return { error: 'Population must be a whole number, or empty.' };
    population = Number(pop);
  }
  const asns = parseAsns(draft.asns);
  if ('bad' in asns) return { error: `"${asns.bad}" is not an AS number (write 64500 or AS64500).` };
  if (draft.name.trim() === '') return { error: 'Give the organisation a name.' };
  return {
    input: {
      name: draft.name.trim(),
      kind: draft.kind,
      population,
      region: orNull(draft.region),
      observer: draft.observer,
      contact: { name: orNull(draft.contactName), email: orNull(draft.contactEmail), phone: orNull(draft.contactPhone) },
      domains: parseLines(draft.domains),
      ipRanges: parseLines(draft.ipRanges),
      asns: asns.asns,
    },
  };
}

/** Only the fields that differ from the stored organisation, for PATCH. */
export function changedFields(org: Org, input: OrgInput, fullEdit: boolean): Partial<OrgInput> {
  const patch: Partial<OrgInput> = {};
  if (fullEdit) {
    if (input.name !== org.name) patch.name = input.name;
    if (input.kind !== org.kind) patch.kind = input.kind;
    if (input.population !== org.population) patch.population = input.population;
    if (input.region !== org.region) patch.region = input.region;
    if (input.observer !== org.observer) patch.observer = input.observer;
  }
  const c = input.contact;
  if (c.name !== org.contact.name || c.email !== org.contact.email || c.phone !== org.contact.phone) {
    patch.contact = c;
  }
  if (!sameList(input.domains, org.domains)) patch.domains = input.domains;
  if (!sameList(input.ipRanges, org.ipRanges)) patch.ipRanges = input.ipRanges;
  if (!sameList(input.asns, org.asns)) patch.asns = input.asns;
  return patch;
}

export interface OrgFieldsProps {
  draft: OrgDraft;
  onChange(draft: OrgDraft): void;
  /** Name, kind, population, region and observer: operators only. */
  fullEdit: boolean;
}

export function OrgFields({ draft, onChange, fullEdit }: OrgFieldsProps) {
  const set = <K extends keyof OrgDraft>(key: K) => (value: OrgDraft[K]) => onChange({ ...draft, [key]: value });
  return (
    <>
      {fullEdit ? (
        <fieldset className="fieldset">
          <legend>Organisation</legend>
          <div className="grid-2">
            <TextField label="Name" required autoComplete="off" value={draft.name} onChange={set('name')} />
            <SelectField
              label="Kind"
              value={draft.kind}
              options={orgKinds}
              onChange={(v) => set('kind')(v as OrgKind)}
            />
            <TextField
              label="Population"
              inputMode="numeric"
              hint="Residents served; decides who may vote. Leave empty if it does not apply."
              value={draft.population}
              onChange={set('population')}
            />
            <TextField
              label="Region"
              hint="For example a county or a state."
              value={draft.region}
              onChange={set('region')}
            />
          </div>
          <CheckboxField
            label="Observer"
            hint="A read-only partner, such as a federal agency. Observers never vote."
            checked={draft.observer}
            onChange={set('observer')}
          />
        </fieldset>
      ) : null}
      <fieldset className="fieldset">
        <legend>Contact</legend>
        <div className="grid-3">
          <TextField label="Contact person" autoComplete="off" value={draft.contactName} onChange={set('contactName')} />
          <TextField
            label="Contact email"
            type="email"
            autoComplete="off"
            value={draft.contactEmail}
            onChange={set('contactEmail')}
          />
          <TextField
            label="Contact phone"
            type="tel"
            autoComplete="off"
            value={draft.contactPhone}
            onChange={set('contactPhone')}
          />
        </div>
      </fieldset>
      <fieldset className="fieldset">
        <legend>Network assets</legend>
        <p className="hint">
          What the organisation owns, so the hub can tell it when its own assets show up in shared
          intelligence. One per line.
        </p>
        <div className="grid-3">
          <TextAreaField
            label="Domains"
            placeholder={'example.gov\nmail.example.gov'}
            spellCheck={false}
            value={draft.domains}
            onChange={set('domains')}
          />
          <TextAreaField
            label="IP ranges"
            placeholder={'198.51.100.0/24\n2001:db8::/32'}
            spellCheck={false}
            value={draft.ipRanges}
            onChange={set('ipRanges')}
          />
          <TextAreaField
            label="ASNs"
            placeholder={'64500\nAS64501'}
            spellCheck={false}
            value={draft.asns}
            onChange={set('asns')}
          />
        </div>
      </fieldset>
    </>
  );
}
