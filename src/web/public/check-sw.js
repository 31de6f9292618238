// The phishing check's service worker: just enough to make the page an installable app that
// opens without a network. It keeps the page and its built assets; it never touches API
// answers (verdicts, receipts), which always come from the hub.
const cacheName = 'tocsin-check-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(cacheName).then((cache) => cache.add('/check')).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('tocsin-check-') && n !== cacheName).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Only this hub's own GETs; never the API (answers are personal and must be fresh).
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    // The page: from the network when there is one, else the copy kept at install.
    event.respondWith(fetch(request).catch(() => caches.match('/check').then((kept) => kept || Response.error())));
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    // Built assets have content hashes in their names: a kept copy is always right.
    event.respondWith(
      caches.match(request).then(
        (kept) =>
          kept ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(cacheName).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});
