/**
 * A load process for the benchmark: posts `count` notices to a server with `concurrency`
 * requests in flight over keep-alive connections, then prints {count, seconds} as JSON.
 * Runs as its own process so that the load does not share the server's event loop.
 */
import http from 'node:http';

const [url = '', token = '', countArg = '10000', concurrencyArg = '64'] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concurrencyArg);
const target = new URL('/api/log/notices', url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function post(text: string): Promise<void> {
  const body = JSON.stringify({ text });
  return new Promise((resolve, reject) => {
    const request = http.request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`status ${response.statusCode}`)),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async (_, worker) => {
    while (next < count) {
      const n = next++;
      await post(`load ${worker} ${n}: the cooperative's servers are doing fine`);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
agent.destroy();
process.stdout.write(JSON.stringify({ count, seconds }) + '\n');
