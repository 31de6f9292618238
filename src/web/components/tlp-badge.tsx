// The TLP 2.0 label in FIRST's colours (coloured text on black), and the severity badge.
import { severityLabel, tlpLabel } from '../warning-types.ts';
import { Badge, type Tone } from './bits.tsx';

/** "TLP:AMBER+STRICT" as TLP 2.0 prescribes: the colour carries no meaning the text lacks. */
export function TlpBadge({ tlp }: { tlp: string }) {
  const known = ['clear', 'green', 'amber', 'amber+strict', 'red'].includes(tlp);
  const variant = known ? tlp.replace('+strict', '-strict') : 'unknown';
  return <span className={`tlp tlp-${variant}`}>{tlpLabel(tlp)}</span>;
}

const severityTone: Record<string, Tone> = { low: 'neutral', medium: 'info', high: 'warn', critical: 'bad' };

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <Badge tone={severityTone[severity] ?? 'neutral'}>
      <span className="visually-hidden">Severity: </span>
      {severityLabel(severity)}
    </Badge>
  );
}
