#!/usr/bin/env python3
"""Helpers for bench/scale.sh: write natter export files (natter's own JSON,
read back by `natter import json`) for large threads and many sites, walk a
thread page by page, and time natter's start on a database already full.

Standard library only. Every loop is bounded, nothing recurses over a
thread's tree, and every request goes to the loopback address given.

    scale_data.py thread FILE N ORIGIN PATH    one site "bench", one thread of N comments
    scale_data.py sites FILE URLS SITES TOTAL  SITES sites holding TOTAL comments; URLS lists
                                               one API read path per thread, shuffled
    scale_data.py threads SITES TOTAL          how many threads `sites` makes for these
    scale_data.py walk BASE PAGE_URL           GET every page of the thread by its cursor
    scale_data.py first BASE PAGE_URL          comments on the first page (the default read)
    scale_data.py start BIN CONFIG DB RUNS     median time from spawn to the first 200 of /healthz
"""

import http.client
import json
import random
import statistics
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import seed  # noqa: E402  (bench/seed.py: free_port, healthz_ok, mem)

WORDS = seed.WORDS
START = 1_700_000_000   # the first comment's time (2023-11-14)
SETTINGS = {
    "moderation": "none", "edit_window_seconds": 900, "max_depth": 5,
    "require_name": False, "require_email": False, "keep_query": [], "max_links": 2,
    "block_words": [], "text_max": 10000, "name_max": 80, "email_max": 254,
    "website_max": 500, "language": "en", "moderator_emails": [], "webhooks": [],
    "sign_in": [], "guests": True, "own_edits_seconds": None, "team_badge": "Blog team",
    "feed": None, "feed_every_seconds": 900,
}


def text_for(rng, n=None):
    """One to three plain sentences (no Markdown: the HTML is known here),
    then the comment's number if given."""
    sentences = []
    for _ in range(rng.randint(1, 3)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences) + ("" if n is None else f" (comment {n})")


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def comment(cid, parent, rng, at, texts=None):
    """A published comment; with `texts`, its text is one of them (faster
    for a million) with the comment's number after it."""
    text = text_for(rng, cid) if texts is None else f"{texts[cid % len(texts)]} (comment {cid})"
    return {
        "id": cid, "parent": parent, "status": "published", "name": f"Author {cid % 97}",
        "email": None, "website": None, "ip_hash": None, "text": text, "html": f"<p>{text}</p>\n",
        "created": rfc3339(at), "edited": None, "likes": 0, "dislikes": 0,
    }


def shape(n, rng):
    """Parents for comments 1..n, oldest first, as a busy post gathers them:
    about 55 % top-level, 25 % replies to a recent top-level comment, 15 %
    replies to a recent reply, 5 % in deep chains (each up to 40 long).
    Returns (parents, deepest)."""
    parents = [None] * (n + 1)
    depth = [0] * (n + 1)
    tops, replies = [], []
    chain, chain_len = None, 0
    for i in range(1, n + 1):
        r = rng.random()
        if i <= 5 or r < 0.55:
            p = None
        elif r < 0.80:
            p = tops[-rng.randint(1, min(len(tops), 100))]
        elif r < 0.95 and replies:
            p = replies[-rng.randint(1, min(len(replies), 200))]
        else:
            if chain is None or chain_len >= 40:
                chain, chain_len = rng.choice(tops), 0
            p, chain_len = chain, chain_len + 1
            chain = i
        parents[i] = p
        if p is None:
            tops.append(i)
        else:
            depth[i] = depth[p] + 1
            replies.append(i)
    return parents, max(depth)


def write_thread(path, n, origin, page):
    """A natter export of one site ("bench") with one thread of n comments."""
    n = int(n)
    rng = random.Random(n)
    parents, deepest = shape(n, rng)
    comments = [comment(i, parents[i], rng, START + 7 * i) for i in range(1, n + 1)]
    site = {"id": "bench", "name": "Bench", "origins": [origin], "settings": SETTINGS,
            "threads": [{"key": page, "url": origin + page, "title": f"A thread of {n}",
                         "locked": False, "comments": comments}]}
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"natter_export": 1, "exported": rfc3339(time.time()), "sites": [site]}, f)
    tops = sum(1 for p in parents[1:] if p is None)
    print(f"THREAD_COMMENTS={n}")
    print(f"THREAD_TOP={tops}")
    print(f"THREAD_DEEPEST={deepest}")


def site_sizes(sites, total):
    """Comments per site: an equal share, the last site taking what is left."""
    per_site = max(1, total // sites)
    return [per_site + (total - per_site * sites if s == sites - 1 else 0) for s in range(sites)]


def thread_count(sites, total):
    """How many threads write_sites makes (each of at most ten comments)."""
    print(sum((n + 9) // 10 for n in site_sizes(int(sites), int(total))))


def write_sites(path, urls_path, sites, total):
    """SITES sites (s0 … on https://sN.example.org), each with threads of
    ten comments (six top-level, three replies, one reply to a reply) until
    TOTAL comments; written as a stream, one site at a time."""
    sites, total = int(sites), int(total)
    sizes = site_sizes(sites, total)
    rng = random.Random(7)
    texts = [text_for(rng) for _ in range(4000)]
    cid = 0
    urls = []
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"natter_export": 1, "exported": "%s", "sites": [\n' % rfc3339(time.time()))
        for s in range(sites):
            origin = f"https://s{s}.example.org"
            left = sizes[s]
            threads = []
            t = 0
            while left > 0:
                size = min(10, left)
                first = cid + 1
                cs = []
                for k in range(size):
                    cid += 1
                    parent = None if k < 6 else (first + k - 6 if k < 9 else first + 6)
                    cs.append(comment(cid, parent, rng, START + cid, texts))
                page = f"/post/{t}"
                threads.append({"key": page, "url": origin + page, "title": None, "locked": False,
                                "comments": cs})
                urls.append("/api/comments?url=" + urllib.parse.quote(origin + page, safe=""))
                left -= size
                t += 1
            site = {"id": f"s{s}", "name": f"Site {s}", "origins": [origin], "settings": SETTINGS,
                    "threads": threads}
            f.write(json.dumps(site))
            f.write(",\n" if s + 1 < sites else "\n")
        f.write("]}\n")
    random.Random(3).shuffle(urls)
    with open(urls_path, "w", encoding="utf-8") as f:
        f.write("\n".join(urls) + "\n")
    print(f"SITES_COMMENTS={cid}")
    print(f"SITES_THREADS={len(urls)}")


def count_comments(answer):
    """Comments in an answer's tree, counted without recursion."""
    stack = list(answer["comments"])
    n = 0
    while stack:
        c = stack.pop()
        n += 1
        stack.extend(c.get("replies") or [])
    return n


class Conn:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def get(self, path):
        self.c.request("GET", path, headers={"Accept-Encoding": "identity"})
        r = self.c.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit(f"GET {path} answered {r.status}: {body[:300]!r}")
        return json.loads(body)


def walk(base, page_url):
    """Every page of the thread with the default limit, each next one asked
    by the cursor the previous answer gave; stops at 100,000 pages."""
    conn = Conn(base)
    path = "/api/comments?url=" + urllib.parse.quote(page_url, safe="")
    t0 = time.perf_counter()
    pages = comments = 0
    cursor = None
    expected = None
    while pages < 100_000:
        answer = conn.get(path + ("" if cursor is None else "&cursor=" + urllib.parse.quote(str(cursor))))
        pages += 1
        comments += count_comments(answer)
        expected = answer["thread"]["count"]
        cursor = answer.get("next_cursor")
        if cursor is None:
            break
    took = time.perf_counter() - t0
    if comments != expected:
        raise SystemExit(f"the walk saw {comments} comments over {pages} pages; the thread counts {expected}")
    print(f"WALK_PAGES={pages}")
    print(f"WALK_COMMENTS={comments}")
    print(f"WALK_MS={took * 1000:.1f}")


def first(base, page_url):
    answer = Conn(base).get("/api/comments?url=" + urllib.parse.quote(page_url, safe=""))
    print(f"FIRST_COMMENTS={count_comments(answer)}")
    print(f"FIRST_TOP={len(answer['comments'])}")


def start(binary, config, db, runs):
    """Like seed.py start, but each start on the same database, already
    full, as a restart of a running site would be."""
    times = []
    for i in range(int(runs)):
        port = seed.free_port()
        argv = [binary, "serve", "--config", config, "--listen", f"127.0.0.1:{port}", "--database", db]
        took = seed.time_start(argv, port, subprocess.DEVNULL, 60)
        if took is None:
            raise SystemExit(f"natter did not answer /healthz within 60 s (start {i + 1})")
        times.append(took)
        print(f"start {i + 1}: {took:.1f} ms", file=sys.stderr)
    print(f"START_MS_ALL={' '.join(f'{t:.0f}' for t in times)}")
    print(f"START_MS={statistics.median(times):.1f}")


def main(argv):
    table = {"thread": write_thread, "sites": write_sites, "threads": thread_count, "walk": walk, "first": first, "start": start}
    if len(argv) < 2 or argv[1] not in table:
        raise SystemExit(__doc__)
    try:
        table[argv[1]](*argv[2:])
    except TypeError as e:
        raise SystemExit(f"{e}\n{__doc__}")


if __name__ == "__main__":
    main(sys.argv)
