// Indicators as a table: defanged (so nothing is clickable by mistake) in monospace, with a
// button that copies the real value for block lists.
import { indicatorTypeLabel, type WarningIndicator } from '../warning-types.ts';
import { CopyButton } from './bits.tsx';

export function IndicatorTable({ indicators, caption = 'Indicators' }: { indicators: WarningIndicator[]; caption?: string }) {
  if (indicators.length === 0) return <p className="muted">No indicators.</p>;
  return (
    <div className="table-wrap">
      <table className="table table-stack indicator-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Value (defanged)</th>
            <th scope="col">
              <span className="visually-hidden">Copy</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {indicators.map((i) => (
            <tr key={`${i.type}|${i.value}`}>
              <td data-label="Type">{indicatorTypeLabel(i.type)}</td>
              <td data-label="Value">
                <code className="indicator-value">{i.defanged}</code>
              </td>
              <td data-label="">
                <CopyButton text={i.value} label="Copy" what={`the real value of ${i.defanged}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
