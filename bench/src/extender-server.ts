/**
 * A minimal extender for the extender benchmark, run in its own process (as a real extender is): filter passes
 * every node it is sent (echoing the names, or the full nodes when it gets full nodes, as such extenders answer),
 * prioritize scores each node 5. Prints its URL prefix on stdout; exits when its stdin closes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Args {
  Nodes: { items: { metadata: { name: string } }[] } | null;
  NodeNames: string[] | null;
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const args = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Args;
    const names = args.NodeNames ?? (args.Nodes?.items ?? []).map((node) => node.metadata.name);
    const answer = req.url?.endsWith('/filter')
      ? args.NodeNames
        ? { NodeNames: names, FailedNodes: {}, Error: '' }
        : { Nodes: args.Nodes, FailedNodes: {}, Error: '' }
      : names.map((host) => ({ Host: host, Score: 5 }));
    const body = JSON.stringify(answer);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}/scheduler`);
});
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
