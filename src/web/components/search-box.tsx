// The one search box, in the chrome of every member page: whatever is pasted (an IP, a range, a
// domain, a URL, an email, a hash, a CVE, or words) goes to /search?q=…, where the hub says what
// it took it for.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { navigate, useLocation } from '../router.tsx';

export function SearchBox() {
  const id = useId();
  const { pathname, search } = useLocation();
  const current = pathname === '/search' ? (new URLSearchParams(search).get('q') ?? '') : '';
  const [q, setQ] = useState(current);

  // On the results page the box holds what was searched for; elsewhere it starts empty.
  useEffect(() => setQ(current), [current]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = q.trim();
    if (!text) return;
    navigate(`/search?q=${encodeURIComponent(text)}`);
  };

  return (
    <form role="search" className="search-box" aria-label="Intel" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        Search intel
      </label>
      <input
        id={id}
        type="search"
        name="q"
        value={q}
        maxLength={2048}
        placeholder="IP, domain, URL, hash or words"
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setQ(e.target.value)}
      />
      <button type="submit" className="button button-header">
        Search
      </button>
    </form>
  );
}
