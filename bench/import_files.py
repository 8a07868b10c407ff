#!/usr/bin/env python3
"""Writes export files of N comments for natter's import benchmark.

Usage: import_files.py DIR N

Writes DIR/wordpress.xml (WXR 1.2), DIR/disqus.xml (posts of each thread
spread over the file, as Disqus lists them by time), DIR/isso.db (Isso's
schema) and DIR/isso-generic.json: N comments each, on N/20 pages of 20,
replies in chains of four. natter's own JSON is made by `natter export`.
"""

import json
import os
import sqlite3
import sys

ORIGIN = "https://blog.example.org"
PER_PAGE = 20


def text(n, page):
    return f"Comment {n} on page {page}, with some words & a link https://example.org/{page}\n\nAnd a second paragraph."


def wordpress(path, pages):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
                'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
                "<wp:wxr_version>1.2</wp:wxr_version>\n")
        n = 0
        for p in range(pages):
            f.write(f"<item><title>Page {p}</title><link>{ORIGIN}/page/{p}/</link>"
                    f"<wp:post_id>{p + 1}</wp:post_id><wp:status>publish</wp:status>\n")
            for c in range(PER_PAGE):
                n += 1
                parent = 0 if c % 4 == 0 else n - 1
                body = text(n, p).replace("&", "&amp;")
                f.write(
                    f"<wp:comment><wp:comment_id>{n}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Author {n % 100}]]></wp:comment_author>"
                    f"<wp:comment_author_email>a{n % 100}@example.org</wp:comment_author_email>"
                    f"<wp:comment_author_IP>192.0.2.{n % 250}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>2024-01-01 10:00:00</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[{body}]]></wp:comment_content>"
                    f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n")
            f.write("</item>\n")
        f.write("</channel></rss>\n")


def disqus(path, pages):
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
                'xmlns:dsq="http://disqus.com/disqus-internals">\n')
        for p in range(pages):
            f.write(f'<thread dsq:id="t{p}"><link>{ORIGIN}/page/{p}/</link><title>Page {p}</title>'
                    "<isClosed>false</isClosed><isDeleted>false</isDeleted></thread>\n")
        for c in range(PER_PAGE):
            for p in range(pages):
                parent = "" if c % 4 == 0 else f'<parent dsq:id="p{p}-{c - 1}" />'
                body = "<p>" + text(c, p).replace("&", "&amp;").replace("\n\n", "</p><p>") + "</p>"
                f.write(
                    f'<post dsq:id="p{p}-{c}"><message><![CDATA[{body}]]></message>'
                    f"<createdAt>2024-01-01T10:{c:02}:00Z</createdAt>"
                    "<isDeleted>false</isDeleted><isSpam>false</isSpam>"
                    f"<author><email>a{p % 100}@example.org</email><name>Author {p % 100}</name></author>"
                    f'<ipAddress>192.0.2.{p % 250}</ipAddress><thread dsq:id="t{p}" />{parent}</post>\n')
        f.write("</disqus>\n")


def isso(path, pages):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
        CREATE TABLE comments (
            tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
            created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
            text VARCHAR NOT NULL, author VARCHAR, email VARCHAR, website VARCHAR,
            likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
            notification INTEGER DEFAULT 0);
    """)
    n = 0
    for p in range(pages):
        db.execute("INSERT INTO threads (id, uri, title) VALUES (?, ?, ?)", (p + 1, f"/page/{p}/", f"Page {p}"))
    # Comments in time order, the pages interleaved, as Isso numbers them.
    for c in range(PER_PAGE):
        for p in range(pages):
            n += 1
            parent = None if c % 4 == 0 else n - pages
            db.execute(
                "INSERT INTO comments (tid, id, parent, created, mode, remote_addr, text, author, email, voters)"
                " VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, x'')",
                (p + 1, n, parent, 1704103200.0 + n, f"192.0.2.0", text(n, p),
                 f"Author {p % 100}", f"a{p % 100}@example.org"))
    db.commit()
    db.close()


def generic(path, pages):
    with open(path, "w", encoding="utf-8") as f:
        f.write("[\n")
        for p in range(pages):
            comments = [{
                "id": c + 1, "author": f"Author {p % 100}", "email": f"a{p % 100}@example.org",
                "website": "", "remote_addr": "192.0.2.1",
                "created": f"2024-01-01 10:{c:02}:00", "text": text(c, p),
            } for c in range(PER_PAGE)]
            f.write(json.dumps({"id": f"/page/{p}/", "title": f"Page {p}", "comments": comments}))
            f.write(",\n" if p + 1 < pages else "\n")
        f.write("]\n")


def main():
    folder, n = sys.argv[1], int(sys.argv[2])
    pages = max(1, n // PER_PAGE)
    os.makedirs(folder, exist_ok=True)
    wordpress(os.path.join(folder, "wordpress.xml"), pages)
    disqus(os.path.join(folder, "disqus.xml"), pages)
    isso(os.path.join(folder, "isso.db"), pages)
    generic(os.path.join(folder, "isso-generic.json"), pages)


if __name__ == "__main__":
    main()
