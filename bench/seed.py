#!/usr/bin/env python3
"""Helpers for bench/run.sh: seed natter through its public API, fetch the
answer nginx will serve, read a process's memory, time natter's start.

Standard library only. Every loop is bounded; every request goes to the
loopback address given on the command line.

    seed.py seed  BASE                      the DESIGN §12 workload (2,700 comments)
    seed.py bulk  BASE TOTAL                add comments until the site holds TOTAL
    seed.py warm  BASE THREADS              GET every thread once (fills natter's cache)
    seed.py fetch BASE OUTDIR               store the 200-comment answer, plain and gzip
    seed.py same  URL FILE                  check a server sends FILE's bytes, gzip-encoded
    seed.py mem   PID                       VmRSS and VmHWM in KiB
    seed.py start BIN CONFIG WORKDIR RUNS   median time from spawn to the first 200 of /healthz
    seed.py port                            a free loopback port
    seed.py rows  DBFILE                    comments stored (read-only, once natter has stopped)
    seed.py hot   BASE TOTAL                fill one thread (/post/hot) with TOTAL comments
"""

import gzip
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

SITE = "https://blog.example.org"
BIG_THREAD = SITE + "/post/big"
SMALL_THREADS = 500          # threads of 5 comments: /post/1 … /post/500
AUTHORS = 100                # "Author 0" … "Author 99"
BIG_TOP, BIG_REPLIES = 120, 80

WORDS = (
    "the a comment thread reply post page reader writer server answer cache "
    "question point idea agree disagree thanks useful clear wrong right "
    "example detail later earlier version update release change bug fix "
    "test measure number figure time memory disk note link source code"
).split()


def page(n):
    return f"{SITE}/post/{n}"


def text_for(rng, tag):
    """A unique comment text of one to four sentences, sometimes with Markdown."""
    sentences = []
    for _ in range(rng.randint(1, 4)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
        if rng.random() < 0.3:
            i = rng.randrange(len(words))
            words[i] = f"*{words[i]}*"
        if rng.random() < 0.15:
            i = rng.randrange(len(words))
            words[i] = f"`{words[i]}`"
        sentences.append(" ".join(words).capitalize() + ".")
    body = " ".join(sentences)
    if rng.random() < 0.1:
        body += " See [the notes](https://blog.example.org/notes)."
    return f"{body} ({tag})"


class Client:
    """One keep-alive connection to natter."""

    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        hdrs = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                res = self.conn.getresponse()
                return res.status, res.getheaders(), res.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def post(self, url, text, name, parent=None):
        body = {"text": text, "name": name}
        if parent is not None:
            body["parent"] = parent
        path = "/api/comments?url=" + urllib.parse.quote(url, safe="")
        status, _, raw = self.request("POST", path, body)
        if status not in (201, 202):
            raise SystemExit(f"POST {url} answered {status}: {raw[:300]!r}")
        return json.loads(raw)["comment"]["id"], status


def run_parallel(jobs, workers, base):
    """Runs job(client) for each job on `workers` threads, each with its own connection."""
    lock = threading.Lock()
    queue = list(reversed(jobs))
    errors = []

    def worker():
        client = Client(base)
        while True:
            with lock:
                if not queue or errors:
                    return
                job = queue.pop()
            try:
                job(client)
            except BaseException as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(e)
                return

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"seeding failed: {errors[0]}")


def seed(base):
    rng = random.Random(12)
    held = 0
    client = Client(base)
    started = time.monotonic()
    # The 200-comment thread: 120 top-level comments, then 80 replies; the
    # first 60 replies answer every other top-level comment, the last 20
    # answer those replies, so the tree is two levels deep in places.
    top = []
    for i in range(BIG_TOP):
        cid, st = client.post(BIG_THREAD, text_for(rng, f"big top {i}"), f"Author {i % AUTHORS}")
        top.append(cid)
        held += st == 202
    replies = []
    for i in range(BIG_REPLIES):
        parent = top[(2 * i) % BIG_TOP] if i < 60 else replies[(i - 60) * 3 % 60]
        cid, st = client.post(BIG_THREAD, text_for(rng, f"big reply {i}"), f"Author {(i * 7) % AUTHORS}", parent)
        replies.append(cid)
        held += st == 202

    # 500 threads of 5: three top-level comments and two replies each.
    texts = {n: [text_for(rng, f"small {n} {k}") for k in range(5)] for n in range(1, SMALL_THREADS + 1)}
    counter = {"held": 0}
    lock = threading.Lock()

    def small(n):
        def job(c):
            url = page(n)
            ids = []
            h = 0
            for k in range(3):
                cid, st = c.post(url, texts[n][k], f"Author {(n + k) % AUTHORS}")
                ids.append(cid)
                h += st == 202
            for k in (3, 4):
                _, st = c.post(url, texts[n][k], f"Author {(n * 3 + k) % AUTHORS}", ids[k - 3])
                h += st == 202
            with lock:
                counter["held"] += h
        return job

    run_parallel([small(n) for n in range(1, SMALL_THREADS + 1)], 16, base)
    held += counter["held"]
    total = BIG_TOP + BIG_REPLIES + 5 * SMALL_THREADS
    print(f"seeded {total} comments ({held} held for moderation) in {time.monotonic() - started:.1f} s")
    if held:
        raise SystemExit("some seeded comments were held for moderation; the workload is wrong")


def bulk(base, total):
    """Adds top-level comments to further threads (/post/1001 …, 50 each) until
    the site holds `total` comments, counting the 2,700 of the workload."""
    have = BIG_TOP + BIG_REPLIES + 5 * SMALL_THREADS
    need = max(0, total - have)
    per_thread = 50
    started = time.monotonic()
    chunk = 500
    jobs = []
    for start in range(0, need, chunk):
        def job(c, start=start):
            rng = random.Random(start)
            for i in range(start, min(start + chunk, need)):
                c.post(page(1001 + i // per_thread), text_for(rng, f"bulk {i}"), f"Author {i % AUTHORS}")
        jobs.append(job)
    run_parallel(jobs, 24, base)
    took = time.monotonic() - started
    threads = (need + per_thread - 1) // per_thread
    print(f"added {need} comments over {threads} threads in {took:.1f} s")
    print(f"BULK_THREADS={threads}")


def hot(base, total):
    """Fills one thread (/post/hot) with `total` top-level comments, for the
    benchmark of posting into a thread that is already large."""
    started = time.monotonic()
    chunk = 500
    jobs = []
    for start in range(0, int(total), chunk):
        def job(c, start=start):
            rng = random.Random(start)
            for i in range(start, min(start + chunk, int(total))):
                c.post(page("hot"), text_for(rng, f"hot {i}"), f"Author {i % AUTHORS}")
        jobs.append(job)
    run_parallel(jobs, 16, base)
    print(f"filled {page('hot')} with {total} comments in {time.monotonic() - started:.1f} s")


def warm(base, extra_threads):
    """GETs every thread once with gzip, as readers would, so every answer is cached."""
    urls = [BIG_THREAD] + [page(n) for n in range(1, SMALL_THREADS + 1)]
    urls += [page(1001 + k) for k in range(int(extra_threads))]
    jobs = []
    for u in urls:
        def job(c, u=u):
            path = "/api/comments?limit=200&url=" + urllib.parse.quote(u, safe="")
            status, _, _ = c.request("GET", path, headers={"Accept-Encoding": "gzip, br"})
            if status != 200:
                raise SystemExit(f"GET {u} answered {status}")
        jobs.append(job)
    run_parallel(jobs, 8, base)
    print(f"read {len(urls)} threads once")


def count_tree(comments):
    return sum(1 + count_tree(c.get("replies") or []) for c in comments)


def fetch(base, outdir):
    client = Client(base)
    path = "/api/comments?limit=200&url=" + urllib.parse.quote(BIG_THREAD, safe="")
    status, headers, plain = client.request("GET", path)
    if status != 200:
        raise SystemExit(f"GET thread answered {status}")
    gz = encoded(client, path, "gzip")
    br = save_brotli(client, path, os.path.join(outdir, "thread.json.br"))
    if gzip.decompress(gz) != plain:
        raise SystemExit("the gzip answer does not decompress to the plain one")
    n = count_tree(json.loads(plain)["comments"])
    if n != BIG_TOP + BIG_REPLIES:
        raise SystemExit(f"the thread answer holds {n} comments, not {BIG_TOP + BIG_REPLIES}")
    with open(os.path.join(outdir, "thread.json"), "wb") as f:
        f.write(plain)
    with open(os.path.join(outdir, "thread.json.gz"), "wb") as f:
        f.write(gz)
    print(f"THREAD_PLAIN_BYTES={len(plain)}")
    print(f"THREAD_GZIP_BYTES={len(gz)}")
    print(f"THREAD_BR_BYTES={br}")
    print(f"THREAD_COMMENTS={n}")
    # The same thread as HTML: the fragment (all 200) and the no-JS page
    # (its first page, as a reader gets it).
    quoted = urllib.parse.quote(BIG_THREAD, safe="")
    for name, path in (("fragment", "/api/thread.html?limit=200&url=" + quoted),
                       ("page", "/thread?url=" + quoted)):
        gz = encoded(client, path, "gzip")
        br = save_brotli(client, path, os.path.join(outdir, name + ".html.br"))
        html = gzip.decompress(gz)
        shown = html.count(b'itemtype="https://schema.org/Comment"')
        with open(os.path.join(outdir, name + ".html"), "wb") as f:
            f.write(html)
        with open(os.path.join(outdir, name + ".html.gz"), "wb") as f:
            f.write(gz)
        print(f"{name.upper()}_PLAIN_BYTES={len(html)}")
        print(f"{name.upper()}_GZIP_BYTES={len(gz)}")
        print(f"{name.upper()}_BR_BYTES={br}")
        print(f"{name.upper()}_COMMENTS={shown}")
    # The widget's files as served, in each encoding.
    for name, path in (("EMBED_JS", "/embed.js"), ("EMBED_CSS", "/embed.css"), ("WRITE_JS", "/js/write.js")):
        status, _, plain = client.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
        print(f"{name}_PLAIN_BYTES={len(plain)}")
        print(f"{name}_GZIP_BYTES={len(encoded(client, path, 'gzip'))}")
        print(f"{name}_BR_BYTES={save_brotli(client, path, os.devnull)}")


def encoded(client, path, coding):
    """The body of GET path as sent to a client that takes `coding` (gzip:
    `Accept-Encoding: gzip`; br: a browser's `gzip, br`)."""
    accept = "gzip, br" if coding == "br" else coding
    status, headers, body = client.request("GET", path, headers={"Accept-Encoding": accept})
    enc = dict((k.lower(), v) for k, v in headers).get("content-encoding")
    if status != 200 or enc != coding:
        raise SystemExit(f"GET {path} with {accept} answered {status}, Content-Encoding {enc!r}")
    return body


def save_brotli(client, path, file):
    """Saves path's brotli answer as file and says its size, unless the
    server sends gzip to a browser (a natter without brotli, measured
    beside this one): then nginx sends gzip too."""
    status, headers, body = client.request("GET", path, headers={"Accept-Encoding": "gzip, br"})
    enc = dict((k.lower(), v) for k, v in headers).get("content-encoding")
    if status != 200 or enc not in ("br", "gzip"):
        raise SystemExit(f"GET {path} with gzip, br answered {status}, Content-Encoding {enc!r}")
    if enc == "br":
        with open(file, "wb") as f:
            f.write(body)
        return len(body)
    return "none"


def same(url, file):
    """Checks that url sends file's bytes: a browser's `gzip, br` gets the
    .br file (or, when there is none, the .gz file), `gzip` alone the .gz
    file."""
    if file.endswith(".br") and not os.path.exists(file):
        file = file[:-3] + ".gz"
    with open(file, "rb") as f:
        want = f.read()
    coding = "br" if file.endswith(".br") else "gzip"
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    accept = "gzip, br" if coding == "br" else "gzip"
    c.request("GET", u.path + (("?" + u.query) if u.query else ""), headers={"Accept-Encoding": accept})
    r = c.getresponse()
    got = r.read()
    enc = r.getheader("Content-Encoding")
    if r.status != 200 or enc != coding or got != want:
        raise SystemExit(f"{url} answered {r.status}, Content-Encoding {enc!r}, {len(got)} bytes; "
                         f"expected 200, {coding}, the {len(want)} bytes of {file}")
    print(f"{url} sends the same {len(got)} {coding} bytes (Content-Type {r.getheader('Content-Type')})")


def mem(pid):
    fields = {}
    with open(f"/proc/{int(pid)}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                fields[k] = int(v.split()[0])
    print(f"RSS_KIB={fields['VmRSS']}")
    print(f"HWM_KIB={fields['VmHWM']}")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def healthz_ok(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            head = s.recv(64)
            return head.startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def time_start(argv, port, out, limit_s):
    """Starts argv and answers the milliseconds to its first answered
    /healthz on port, or None if none came within limit_s; then stops it."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    try:
        while time.perf_counter() < t0 + limit_s:
            if healthz_ok(port):
                return (time.perf_counter() - t0) * 1000
            if proc.poll() is not None:
                return None
            time.sleep(0.0005)
        return None
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start(binary, config, workdir, runs):
    times = []
    for i in range(int(runs)):
        db_dir = os.path.join(workdir, f"start-{i}")
        os.makedirs(db_dir)
        port = free_port()
        argv = [binary, "serve", "--config", config, "--listen", f"127.0.0.1:{port}",
                "--database", os.path.join(db_dir, "natter.db")]
        with open(os.path.join(db_dir, "out.log"), "wb") as out:
            took = time_start(argv, port, out, 10)
        if took is None:
            raise SystemExit(f"natter did not answer /healthz within 10 s (start {i}); see {db_dir}/out.log")
        times.append(took)
        print(f"start {i + 1}: {took:.1f} ms")
    print(f"START_MS_ALL={' '.join(f'{t:.1f}' for t in times)}")
    print(f"START_MS={statistics.median(times):.1f}")


def rows(db):
    import sqlite3
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    (n,) = conn.execute("SELECT count(*) FROM comments").fetchone()
    conn.close()
    print(f"ROWS={n}")


# The layers of a server's profile, by the name of a sampled function:
# the first pattern that matches decides.
LAYERS = [
    ("the kernel (TCP, system calls, scheduling)", re.compile(r"^\[k\]")),
    ("memory allocation", re.compile(r"malloc|free|realloc|calloc|_int_|cfree|memalign|alloc::")),
    ("copying bytes (memcpy, memmove, memset)", re.compile(r"mem(cpy|move|set)")),
    ("hyper (HTTP parsing and writing)", re.compile(r"hyper|httparse|http::header|http::")),
    ("warp (routes and filters)", re.compile(r"warp")),
    ("tokio (tasks, timers, sockets)", re.compile(r"tokio|mio")),
    ("natter's own code", re.compile(r"natter")),
    ("compression", re.compile(r"brotli|flate|zlib|miniz|deflate|crc32|adler")),
    ("locks and atomics", re.compile(r"pthread_mutex|futex|lock|parking")),
]


def layers(report, who):
    """Shares of a `perf report --sort sym` by layer, and the top functions."""
    shares, top, total = {}, [], 0.0
    with open(report, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"\s*([\d.]+)%\s+(\[.\])\s+(.*)", line)
            if not m:
                continue
            pct, kind, name = float(m.group(1)), m.group(2), m.group(3).strip()
            label = f"{kind} {name}"
            layer = next((n for n, r in LAYERS if r.search(label)), "the rest (libc, the loader, …)")
            shares[layer] = shares.get(layer, 0.0) + pct
            total += pct
            top.append((pct, label))
    print(f"| {who}: layer | share of samples |")
    print("|---|---|")
    for name, pct in sorted(shares.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {pct:.1f} % |")
    print()
    print(f"| {who}: top functions | share |")
    print("|---|---|")
    for pct, label in top[:15]:
        print(f"| `{label[:110]}` | {pct:.2f} % |")


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = argv[1], argv[2:]
    table = {"seed": seed, "bulk": lambda b, t: bulk(b, int(t)), "warm": warm, "fetch": fetch,
             "same": same, "mem": mem, "start": start, "port": lambda: print(free_port()), "rows": rows,
             "hot": hot, "layers": layers}
    if cmd not in table:
        raise SystemExit(__doc__)
    table[cmd](*args)


if __name__ == "__main__":
    main(sys.argv)
