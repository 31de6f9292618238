// A labelled list of checkboxes for choosing several things (organisations, groups), with a
// filter box when the list is long. Checkboxes work with every screen reader and on phones,
// unlike a <select multiple>.
import { useState } from 'react';
import { CheckboxField, TextField } from './fields.tsx';

export interface CheckItem {
  id: string;
  label: string;
  hint?: string;
}

export interface CheckListProps {
  legend: string;
  items: CheckItem[];
  selected: readonly string[];
  onChange(selected: string[]): void;
  empty?: string;
  /** Show a filter box from this many items on. */
  filterFrom?: number;
  disabled?: boolean;
}

export function CheckList({ legend, items, selected, onChange, empty, filterFrom = 10, disabled }: CheckListProps) {
  const [filter, setFilter] = useState('');
  const chosen = new Set(selected);
  const words = filter.trim().toLowerCase();
  const shown = words ? items.filter((i) => chosen.has(i.id) || i.label.toLowerCase().includes(words)) : items;
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    onChange(items.filter((i) => next.has(i.id)).map((i) => i.id));
  };
  return (
    <fieldset className="fieldset check-list" disabled={disabled}>
      <legend>
        {legend}
        {selected.length > 0 ? <span className="muted"> ({selected.length} chosen)</span> : null}
      </legend>
      {items.length === 0 ? <p className="muted">{empty ?? 'Nothing to choose from.'}</p> : null}
      {items.length >= filterFrom ? (
        <TextField label={`Find in ${legend.toLowerCase()}`} type="search" value={filter} onChange={setFilter} />
      ) : null}
      {items.length > 0 ? (
        <div className="check-list-items">
          {shown.map((item) => (
            <CheckboxField
              key={item.id}
              label={item.label}
              hint={item.hint}
              checked={chosen.has(item.id)}
              onChange={(on) => toggle(item.id, on)}
            />
          ))}
          {shown.length === 0 ? <p className="muted">None match “{filter}”.</p> : null}
        </div>
      ) : null}
    </fieldset>
  );
}
