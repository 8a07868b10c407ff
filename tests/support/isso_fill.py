#!/usr/bin/env python3
"""Writes an Isso 0.14 database the way Isso itself writes it.

Usage: isso_fill.py VENV DIR

Makes VENV (a Python virtual environment with isso==0.14.0) when it has no
`isso` yet, guarded by a lock so that tests running at once make it once.
Then starts a real Isso on a free loopback port with its database in DIR,
posts, edits, deletes and likes comments through Isso's own HTTP API, stops
it, starts it again with moderation on for one comment that stays pending,
and prints the database's path.

Only the Python standard library is used here; Isso runs in the venv.
"""

import fcntl
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ISSO = "isso==0.14.0"


def ensure_venv(venv):
    """Creates the venv with Isso in it once, whoever asks at the same time."""
    isso = os.path.join(venv, "bin", "isso")
    if os.path.exists(isso):
        return isso
    os.makedirs(os.path.dirname(os.path.abspath(venv)), exist_ok=True)
    with open(venv + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(isso):
            # A venv left half made by an interrupted run is made again.
            subprocess.run([sys.executable, "-m", "venv", "--clear", venv], check=True)
            subprocess.run(
                [os.path.join(venv, "bin", "pip"), "install", "--quiet", ISSO],
                check=True,
                stdout=sys.stderr,
            )
    return isso


def free_port():
    # Isso cannot listen on port 0, so a free port is found here and let go.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Isso:
    """One running Isso server and a client that keeps its cookies."""

    def __init__(self, binary, folder, db, moderated):
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        conf = os.path.join(folder, "isso-%s.cfg" % ("moderated" if moderated else "open"))
        with open(conf, "w") as f:
            f.write(
                "[general]\n"
                "dbpath = %s\n"
                # Isso fetches its host at start; loopback keeps this run off
                # the network (it warns that it cannot reach the site).
                "host = %s/\n"
                "[server]\n"
                "listen = %s/\n"
                "trusted-proxies = 127.0.0.1\n"
                "[guard]\n"
                "enabled = false\n"
                "[moderation]\n"
                "enabled = %s\n" % (db, self.base, self.base, "true" if moderated else "false")
            )
        self.log = open(os.path.join(folder, "isso.log"), "a")
        self.process = subprocess.Popen(
            [binary, "-c", conf, "run"], stdout=self.log, stderr=self.log
        )
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.wait_until_up()

    def wait_until_up(self):
        for _ in range(600):
            if self.process.poll() is not None:
                sys.exit("Isso stopped at start; see isso.log")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        sys.exit("Isso did not start listening on port %d" % self.port)

    def call(self, method, path, body=None, client="192.0.2.10"):
        """One request as the client at `client` (Isso trusts 127.0.0.1 to say)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        request.add_header("X-Forwarded-For", client)
        try:
            with self.opener.open(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            sys.exit("Isso answered %s %s with %d: %s" % (method, path, e.code, e.read()))

    def new(self, uri, title, author, text, parent=None, email=None, website=None):
        return self.call(
            "POST",
            "/new?uri=" + uri,
            {
                "title": title,
                "author": author,
                "email": email,
                "website": website,
                "text": text,
                "parent": parent,
            },
        )

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: isso_fill.py VENV DIR")
    venv, folder = sys.argv[1], os.path.abspath(sys.argv[2])
    binary = ensure_venv(venv)
    db = os.path.join(folder, "comments.db")

    isso = Isso(binary, folder, db, moderated=False)
    try:
        first = isso.new(
            "/post/",
            "A post",
            "O'Brien & <Sons>",
            "First line\nsecond line of the same paragraph\n\nA new paragraph with <b>raw</b> HTML",
            email="obrien@example.org",
            website="https://example.org/a?b=1&c=2",
        )
        reply = isso.new("/post/", "A post", "Ana", "A reply", parent=first["id"])
        isso.new("/post/", "A post", "Bo", "A reply to the reply", parent=reply["id"])
        doomed = isso.new(
            "/post/", "A post", "Doomed", "Soon gone", email="doomed@example.org"
        )
        isso.new("/post/", "A post", "Cy", "Still here under a deleted one", parent=doomed["id"])
        deleted = isso.call("DELETE", "/id/%d" % doomed["id"])
        assert deleted and deleted["mode"] == 4, deleted
        edited = isso.new("/other/", "Another post", "Di", "Before the edit")
        isso.call("PUT", "/id/%d" % edited["id"], {"text": "After the edit"})
        isso.call("POST", "/id/%d/like" % first["id"], client="198.51.100.7")
    finally:
        isso.stop()

    isso = Isso(binary, folder, db, moderated=True)
    try:
        pending = isso.new("/other/", "Another post", "Eve", "Waiting for a moderator")
        assert pending["mode"] == 2, pending
    finally:
        isso.stop()
    print(db)


if __name__ == "__main__":
    main()
