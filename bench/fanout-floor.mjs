// The floor of the fan-out benchmark: a bare Node SSE server that writes each published
// message to every open stream, and nothing else (no auth, no store, no policy). Forked by
// bench/fanout.mjs with the frame of a real Tocsin event as its template, so the bytes per
// client are the same; never run it by hand.
import http from 'node:http';

const streams = new Set();
let template = null;
let id = 0;

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/stream')) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write('retry: 3000\n: connected\n\n');
    streams.add(res);
    res.on('close', () => streams.delete(res));
    return;
  }
  if (req.method === 'POST' && req.url === '/publish') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { title } = JSON.parse(body);
      id += 1;
      const frame = template.replaceAll('@ID@', String(id)).replaceAll('@TITLE@', title);
      res.writeHead(201, { 'content-type': 'application/json' }).end(`{"id":${id}}`);
      for (const s of streams) s.write(frame);
    });
    return;
  }
  res.writeHead(404).end();
});

// As Fastify does (72 s): the sender's keep-alive sockets must not be closed under it.
server.keepAliveTimeout = 72_000;

process.on('message', (m) => {
  if (m.template) template = m.template;
});
server.listen(0, '127.0.0.1', () => process.send({ url: `http://127.0.0.1:${server.address().port}` }));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
