-- Sign-in providers added in the admin page (DESIGN §15), beside those of
-- natter.toml. spec is the provider as written (JSON, without its secret);
-- client_secret is kept apart and never sent back to the page.
CREATE TABLE providers (
    id            TEXT PRIMARY KEY,
    spec          TEXT NOT NULL,
    client_secret TEXT NOT NULL DEFAULT '',
    created       INTEGER NOT NULL,
    updated       INTEGER NOT NULL
) STRICT;
