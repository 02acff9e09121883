/**
 * The reference point of every ratio: a bare `node:http` server answering a small JSON body.
 * Run in its own process (forked by run.ts) so it never shares an event loop with autocannon.
 * It listens on an ephemeral port and reports `{ port }` to the parent over IPC.
 */
import { createServer } from 'node:http';

const BODY = Buffer.from(JSON.stringify({ ok: true }));

const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
  response.end(BODY);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  if (process.send) process.send({ port });
  else process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});

const shutdown = () => server.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.on('disconnect', shutdown);
