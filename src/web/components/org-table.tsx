// The table of organisations used by the directory and the operator's list.
import { formatNumber } from '../format.ts';
import { Link } from '../router.tsx';
import { kindLabel, type Org } from '../types.ts';
import { Badge } from './bits.tsx';

export function VotesBadge({ org }: { org: Org }) {
  return org.votingEligible ? <Badge tone="good">Votes: yes</Badge> : <Badge tone="neutral">Votes: no</Badge>;
}

export function OrgTable({ orgs, caption, showUsers }: { orgs: Org[]; caption: string; showUsers?: boolean }) {
  return (
    <div className="table-wrap">
      <table className="table table-stack">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Region</th>
            <th scope="col" className="num">
              Population
            </th>
            <th scope="col">Votes</th>
            <th scope="col">Observer</th>
            {showUsers ? (
              <th scope="col" className="num">
                Users
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {orgs.map((org) => (
            <tr key={org.id}>
              <th scope="row" data-label="Name">
                <Link to={`/orgs/${org.id}`}>{org.name}</Link>
              </th>
              <td data-label="Kind">{kindLabel(org.kind)}</td>
              <td data-label="Region">{org.region ?? <span className="muted">—</span>}</td>
              <td data-label="Population" className="num">
                {formatNumber(org.population)}
              </td>
              <td data-label="Votes">
                {org.votingEligible ? <Badge tone="good">Yes</Badge> : <Badge tone="neutral">No</Badge>}
              </td>
              <td data-label="Observer">{org.observer ? <Badge tone="info">Observer</Badge> : <span className="muted">—</span>}</td>
              {showUsers ? (
                <td data-label="Users" className="num">
                  {formatNumber(org.userCount)}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
