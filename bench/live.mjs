// Live streams at scale (DESIGN §16), on loopback:
//
//   node bench/live.mjs BINARY [STREAMS] [LISTENERS] [POSTS]
//
// Starts natter (BINARY, a release build) on a fresh database with limits
// raised for the run, opens STREAMS (default 10,000) event streams at once:
// LISTENERS (default 1,000) on one page, the rest spread over 90 others.
// Then natter's memory, and POSTS (default 100) new comments on that page,
// one after another: for each, the time from its 201 to the event reaching
// each of the page's listeners. The reference beside it: natter's memory
// before any stream, and the round trip of GET /healthz in the same run.
// Prints a Markdown table; exits non-zero when a stream misses an event.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';

const [bin, streams = '10000', listeners = '1000', posts = '100'] = process.argv.slice(2);
if (!bin) {
  console.error('usage: node bench/live.mjs BINARY [STREAMS] [LISTENERS] [POSTS]');
  process.exit(2);
}
const STREAMS = +streams, LISTENERS = +listeners, POSTS = +posts;
const ORIGIN = 'https://blog.example.org';
const HOT = ORIGIN + '/post/live';
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

const dir = mkdtempSync(join(tmpdir(), 'natter-live-'));
writeFileSync(join(dir, 'natter.toml'), `[[site]]
id = "bench"
origins = ["${ORIGIN}"]

[rate_limit]
enabled = false

[spam]
min_seconds = 0

[limits]
max_connections = ${STREAMS + 500}
live_streams = ${STREAMS + 100}
live_streams_per_client = ${STREAMS + 100}
`);

const natter = spawn(bin, ['serve', '--config', join(dir, 'natter.toml'), '--listen', '127.0.0.1:0',
  '--database', join(dir, 'natter.db')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NATTER_LOG: 'warn' } });
const say = (m) => console.error('live: ' + m);
const cleanup = () => {
  natter.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanup);
const base = await new Promise((resolve, reject) => {
  let out = '';
  natter.stdout.on('data', (d) => {
    out += d;
    const m = /natter listening on (http:\/\/[\d.:]+)/.exec(out);
    if (m) resolve(m[1]);
  });
  natter.on('exit', (code) => reject(new Error('natter exited: ' + code)));
});

/** RSS of natter now, in KiB. */
const rss = () => +/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${natter.pid}/status`, 'utf8'))[1];

/** A request's answer: {status, body}. */
function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, {
      method, agent, headers: body ? { 'content-type': 'application/json', origin: ORIGIN } : { origin: ORIGIN },
    }, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', reject);
    req.end(body && JSON.stringify(body));
  });
}
const post = (url, text) => call('POST', '/api/comments?url=' + encodeURIComponent(url), { text });

// The pages exist before the streams open.
await post(HOT, 'the first comment');
for (let p = 0; p < 90; p++) await post(`${ORIGIN}/post/other-${p}`, 'a comment');

const pings = [];
for (let i = 0; i < 200; i++) {
  const t = performance.now();
  await call('GET', '/healthz');
  pings.push(performance.now() - t);
}
const idleKib = rss();
say('pages seeded; opening streams');

/** Opens one stream; `onEvent(kind, data)` for each event. */
function open(url, onEvent) {
  return new Promise((resolve, reject) => {
    const req = http.get(base + '/api/events?url=' + encodeURIComponent(url), {
      agent: false, headers: { origin: ORIGIN, accept: 'text/event-stream' },
    }, (res) => {
      if (res.statusCode != 200) return reject(new Error('stream answered ' + res.statusCode));
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (d) => {
        buf += d;
        for (let end; (end = buf.indexOf('\n\n')) >= 0;) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const kind = /^event: ?(.*)$/m.exec(block);
          const data = /^data: ?(.*)$/m.exec(block);
          if (kind && data) onEvent(kind[1], data[1], performance.now());
        }
      });
      res.on('error', () => {});
      resolve(req);
    });
    req.on('error', reject);
  });
}

// Arrival times of each comment id at the hot page's listeners.
const arrived = new Map();
let ready = 0;
const opened = [];
const t0 = performance.now();
for (let i = 0; i < STREAMS; i++) {
  const hot = i < LISTENERS;
  const url = hot ? HOT : `${ORIGIN}/post/other-${i % 90}`;
  opened.push(open(url, (kind, data, at) => {
    if (kind == 'ready') ready++;
    else if (hot && kind == 'created') {
      const id = JSON.parse(data).id;
      (arrived.get(id) || arrived.set(id, []).get(id)).push(at);
    }
  }));
  // Not all at once: the listen backlog is finite.
  if (i % 500 == 499) await Promise.all(opened.slice(-500));
}
await Promise.all(opened);
say(`${STREAMS} streams answered; waiting for their ready events`);
while (ready < STREAMS) await new Promise((r) => setTimeout(r, 20));
const openMs = performance.now() - t0;
await new Promise((r) => setTimeout(r, 1000));
const streamsKib = rss();

const toAll = [], each = [];
let missed = 0;
for (let n = 0; n < POSTS; n++) {
  const r = await post(HOT, `live comment ${n}`);
  const at201 = performance.now();
  if (r.status != 201) throw new Error('post answered ' + r.status);
  const id = JSON.parse(r.body).comment.id;
  const deadline = at201 + 5000;
  while ((arrived.get(id) || []).length < LISTENERS && performance.now() < deadline) {
    await new Promise((r) => setImmediate(r));
  }
  const times = arrived.get(id) || [];
  missed += LISTENERS - times.length;
  for (const t of times) each.push(t - at201);
  toAll.push(Math.max(...times) - at201);
}

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const f = (ms) => ms.toFixed(2);
const mib = (k) => (k / 1024).toFixed(1);
console.log(`
## live streams (bench/live.mjs)

- ${STREAMS.toLocaleString('en')} streams open at once (${LISTENERS.toLocaleString('en')} on the measured page, the rest over 90 others), opened in ${(openMs / 1000).toFixed(1)} s; ${POSTS} comments posted one after another on the measured page; loopback, client in one Node process

| figure | value | target | met |
|---|---|---|---|
| natter RSS before any stream (reference) | ${mib(idleKib)} MiB | | |
| natter RSS with ${STREAMS.toLocaleString('en')} streams open | ${mib(streamsKib)} MiB | ≤ 80 MiB | ${streamsKib <= 80 * 1024 ? 'yes' : '**no**'} |
| RSS per stream | ${((streamsKib - idleKib) / STREAMS).toFixed(2)} KiB | | |
| GET /healthz round trip, median (p99), reference | ${f(q(pings, 0.5))} ms (${f(q(pings, 0.99))} ms) | | |
| 201 to the event at all ${LISTENERS.toLocaleString('en')} listeners, median over ${POSTS} posts | ${f(q(toAll, 0.5))} ms | | |
| 201 to the event at all ${LISTENERS.toLocaleString('en')} listeners, p99 | ${f(q(toAll, 0.99))} ms | | |
| 201 to one listener's event, median (p99) of ${each.length.toLocaleString('en')} deliveries | ${f(q(each, 0.5))} ms (${f(q(each, 0.99))} ms) | | |
| events missed | ${missed} | 0 | ${missed == 0 ? 'yes' : '**no**'} |

A negative time means the event arrived before the POST's own answer was read.
`);
process.exit(missed == 0 ? 0 : 1);
