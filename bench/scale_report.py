#!/usr/bin/env python3
"""The Markdown summary of bench/scale.sh: reads the figures it gathered
(one KEY=VALUE a line; wrk's results are whole `BENCH k=v …` lines) and
prints the tables, then a paragraph per figure saying what should grow with
the work and what should not, and whether it did.

    scale_report.py FIGURES
"""

import sys

# A figure is "flat" when the larger run is within this factor of the
# smaller (the machine is shared, runs move by a fifth on their own).
FLAT = 1.3


def load(path):
    figures = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                figures[key] = value
    return figures


def bench_line(line):
    """The k=v fields of a `BENCH …` line, as numbers where they are."""
    out = {}
    for part in line.split()[1:]:
        k, _, v = part.partition("=")
        try:
            out[k] = float(v)
        except ValueError:
            out[k] = v
    return out


def ratio(a, b):
    a, b = float(a), float(b)
    return a / b if b else float("nan")


def verdict(r, grows=False):
    """`flat` or the factor in bold; for what should grow, the factor alone."""
    if r != r:  # NaN
        return "-"
    if grows:
        return f"x{r:.2f}"
    return "flat" if 1 / FLAT <= r <= FLAT else f"**x{r:.2f}**"


def errors(b):
    n = b["err_connect"] + b["err_read"] + b["err_write"] + b["err_timeout"]
    n += b["held"] + b["other"] if "other" in b else b["err_status"]
    return int(n)


def ms(us):
    return f"{float(us) / 1000:.1f}"


def mib(kib):
    return f"{float(kib) / 1024:.1f}"


class Report:
    def __init__(self, v):
        self.v = v
        self.big = [int(n) for n in v["big"].split(",")]
        self.a, self.z = self.big[0], self.big[-1]
        self.grow = self.z / self.a
        self.paint = int(v["paint_runs"]) > 0
        self.many = int(v["comments"]) > 0

    def b(self, key):
        return bench_line(self.v[key])

    def row(self, label, cell, last=""):
        cells = " | ".join(cell(n) for n in self.big)
        print(f"| {label} | {cells} | {last} |")

    def head(self):
        v = self.v
        print()
        print("## natter as work grows")
        print()
        secs = int(v["run_secs"])
        print(f"- date: {v['date']}, the run took {secs // 60} min {secs % 60} s")
        print(f"- machine: {v['machine']}")
        print(f"- natter: {v['bin']} ({v['version']})")
        print(f"- wrk {v['wrk_threads']} threads, {v['conns']} connections, `{v['accept']}`, loopback; "
              f"{v['duration']} per run (cold reads: until each of {v['cold_reads']} threads was read once)")
        print(f"- load before: {v['load_before']}")
        print(f"- load after: {v['load_after']}")
        print()

    def threads_table(self):
        v, a, z = self.v, self.a, self.z
        print("| one thread of | " + " | ".join(f"{n:,} comments" for n in self.big) + " | last / first |")
        print("|---|" + "---|" * len(self.big) + "---|")
        self.row("shape", lambda n: f"{int(v[f'top{n}']):,} top-level, deepest reply at depth {v[f'deep{n}']}",
                 f"x{self.grow:.2f} (the work)")
        self.row("`natter import json`", lambda n: f"{v[f'import{n}']} s",
                 verdict(ratio(v[f"import{z}"], v[f"import{a}"]), True))
        self.row("first page (the default read)", lambda n: (
            f"{v[f'firsttop{n}']} top-level, {v[f'firstn{n}']} comments, "
            f"{int(v[f'firstbytes{n}'].split()[0]):,} bytes {' '.join(v[f'firstbytes{n}'].split()[1:]) or 'plain'}"))
        r = ratio(self.b(f"first{z}")["rps"], self.b(f"first{a}")["rps"])
        self.row("first page read", lambda n: (
            f"{self.b(f'first{n}')['rps']:,.0f}/s, p99 {ms(self.b(f'first{n}')['p99_us'])} ms, "
            f"{errors(self.b(f'first{n}'))} errors"), verdict(r))
        self.row("pages walked (by cursor)", lambda n: v[f"pages{n}"],
                 verdict(ratio(v[f"pages{z}"], v[f"pages{a}"]), True))
        for kind, label in (("cold", "whole walk, cold (fresh process)"), ("warm", "whole walk, warm")):
            self.row(label, lambda n, kind=kind: (
                f"{float(v[f'{kind}walk{n}']):,.0f} ms ({self.per_page(kind, n):.2f} ms a page)"),
                verdict(ratio(v[f"{kind}walk{z}"], v[f"{kind}walk{a}"]), True))
        if self.paint:
            r = ratio(v[f"paint{z}"], v[f"paint{a}"])
            self.row(f"paint of the first page, cold, median of {v['paint_runs']}", lambda n: (
                f"{v[f'paint{n}']} ms ({v[f'paintshown{n}']} comments; runs {v[f'paintall{n}']})"), verdict(r))
        r = ratio(self.b(f"post{z}")["created_per_s"], self.b(f"post{a}")["created_per_s"])
        self.row("new comments into it (201s per second)", lambda n: (
            f"{self.b(f'post{n}')['created_per_s']:,.0f}/s, p99 {ms(self.b(f'post{n}')['p99_us'])} ms, "
            f"{errors(self.b(f'post{n}'))} not 201"), verdict(r))

    def first_bytes(self, n):
        return int(self.v[f"firstbytes{n}"].split()[0])

    def per_page(self, kind, n):
        return float(self.v[f"{kind}walk{n}"]) / int(self.v[f"pages{n}"])

    def many_table(self):
        v = self.v
        s, f = "small", "full"
        print()
        print(f"| sites and comments in one process | {int(v['small_sites']):,} sites, {int(v['small_comments']):,} comments "
              f"| {int(v['sites']):,} sites, {int(v['comments']):,} comments | large / small |")
        print("|---|---|---|---|")

        def line(label, small, full, last=""):
            print(f"| {label} | {small} | {full} | {last} |")

        def pair(label, key, fmt=lambda x: x, grows=False):
            line(label, fmt(v[f"{s},{key}"]), fmt(v[f"{f},{key}"]),
                 verdict(ratio(v[f"{f},{key}"], v[f"{s},{key}"]), grows))

        made = lambda k: f"one natter export of {v[k + ',filemib']} MiB, written in {v[k + ',gen']} s"  # noqa: E731
        line("how the sites are declared", f"by the import ({made(s)})", f"by the import ({made(f)})")
        pair("seeding: `natter import json` (s)", "import", grows=True)
        rate = lambda k, c: f"{int(v[c]) / float(v[k + ',import']):,.0f}/s, peak {v[k + ',importpeak']}"  # noqa: E731
        line("import: comments a second, peak memory", rate(s, "small_comments"), rate(f, "comments"))
        pair("threads (of ten comments)", "threads", lambda x: f"{int(x):,}", grows=True)
        pair("database with its WAL (MiB)", "dbmib", grows=True)
        pair("RSS after start, before any read (MiB)", "rss0", mib)
        pair("peak RSS by then (MiB)", "hwm0", mib)
        pair(f"start to first answered /healthz, median of {v['starts']} (ms)", "start")
        line("(each start, ms)", v[f"{s},startall"], v[f"{f},startall"])
        cs, cf = self.b(f"{s}-cold"), self.b(f"{f}-cold")
        line("cold threads read, each once and never before (req/s)", f"{cs['rps']:,.0f}", f"{cf['rps']:,.0f}",
             verdict(ratio(cf["rps"], cs["rps"])))
        cold = lambda b: (f"{ms(b['p50_us'])} ms, {ms(b['p99_us'])} ms, {int(b['reads']):,}, "  # noqa: E731
                          f"{int(b['fillers'])}, {errors(b)}")
        line("(cold: p50, p99, threads read, /healthz fillers, errors)", cold(cs), cold(cf))
        hs, hf = self.b(f"{s}-hot"), self.b(f"{f}-hot")
        line("one hot thread read (req/s)", f"{hs['rps']:,.0f}", f"{hf['rps']:,.0f}", verdict(ratio(hf["rps"], hs["rps"])))
        hot = lambda b: f"{ms(b['p50_us'])} ms, {ms(b['p99_us'])} ms, {errors(b)}"  # noqa: E731
        line("(hot: p50, p99, errors)", hot(hs), hot(hf))
        pair("RSS after those reads (MiB)", "rss1", mib)
        pair("peak RSS (MiB)", "hwm1", mib)

    def notes(self):
        v, a, z = self.v, self.a, self.z
        print()
        print(f"What should grow with the work and what should not ({z:,} against {a:,} comments: x{self.grow:.2f} the work):")
        print()
        r = ratio(self.b(f"first{z}")["rps"], self.b(f"first{a}")["rps"])
        print(f"- **First page read.** The default read is the first {v[f'firsttop{a}']} top-level comments with "
              "their replies, cut from the thread as built and then served from the answer cache: its rate "
              f"should follow the page's bytes (x{self.first_bytes(z) / self.first_bytes(a):.2f} here), not the "
              f"thread's size. It was x{r:.2f} ({verdict(r)}).")
        rp = ratio(v[f"pages{z}"], v[f"pages{a}"])
        rw = self.per_page("warm", z) / self.per_page("warm", a)
        rc = ratio(v[f"coldwalk{z}"], v[f"coldwalk{a}"])
        print(f"- **Page-by-page walk.** The pages grow with the top-level comments (x{rp:.2f}), so the whole "
              f"walk should too, each page costing the same: warm, a page cost x{rw:.2f} ({verdict(rw)}). Cold, the "
              "first read also builds the whole thread once (linear in its comments) and each page is cut for the "
              f"first time: the cold walk took x{rc:.2f}.")
        if self.per_page("warm", z) >= 0.5 * self.per_page("cold", z):
            print(f"  The warm walk of {z:,} cost as much a page as the cold one: that thread's build was not kept "
                  "between reads (the cache keeps no build larger than a part of its bound, only the pages cut from "
                  "it), so every page not read before built the whole thread again.")
        if self.paint:
            r = ratio(v[f"paint{z}"], v[f"paint{a}"])
            print(f"- **Paint.** The widget paints the first page only ({v[f'paintshown{a}']} and "
                  f"{v[f'paintshown{z}']} comments painted; the API's first page holds {v[f'paintapi{a}']} and "
                  f"{v[f'paintapi{z}']}), so its paint should follow that page, not the thread: x{r:.2f} ({verdict(r)}).")
        r = ratio(self.b(f"post{z}")["created_per_s"], self.b(f"post{a}")["created_per_s"])
        print("- **New comments.** A post is one row, its checks and a share of a batch commit; it drops the "
              "thread's cached build, which only the next read pays for, and none runs here: the rate should stay "
              f"flat. It was x{r:.2f} ({verdict(r)}).")
        r = ratio(v[f"import{z}"], v[f"import{a}"])
        print(f"- **Import** is linear in the comments, plus the process's start: x{r:.2f} for x{self.grow:.2f}.")
        if not self.many:
            return
        g = int(v["comments"]) / int(v["small_comments"])
        s, f = "small", "full"
        rr = lambda key: ratio(v[f"{f},{key}"], v[f"{s},{key}"])  # noqa: E731
        print(f"- **Many sites: seeding** (x{g:.2f} the sites and comments) should be linear: the import took "
              f"x{rr('import'):.2f}.")
        print("- **Memory after start and start time** should not follow the comments (nothing is read until "
              f"asked), only the sites, each held once: RSS x{rr('rss0'):.2f} ({verdict(rr('rss0'))}), start "
              f"x{rr('start'):.2f} ({verdict(rr('start'))}).")
        rc = ratio(self.b(f"{f}-cold")["rps"], self.b(f"{s}-cold")["rps"])
        print("- **A cold thread** costs one look-up through the threads' index, a read of its rows and one build: "
              "the rate should stay flat as the database grows, while it fits the page cache: "
              f"x{rc:.2f} ({verdict(rc)}).")
        rh = ratio(self.b(f"{f}-hot")["rps"], self.b(f"{s}-hot")["rps"])
        print(f"- **A hot thread** is a cached answer whatever lies beside it: x{rh:.2f} ({verdict(rh)}).")
        print("- **Memory after the reads** grows with the answers cached, which the cache bounds, not with the "
              f"database: x{rr('rss1'):.2f} ({verdict(rr('rss1'))}).")


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    report = Report(load(argv[1]))
    report.head()
    report.threads_table()
    if report.many:
        report.many_table()
    report.notes()


if __name__ == "__main__":
    main(sys.argv)
