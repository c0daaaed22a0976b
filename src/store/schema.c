/*
 * store/schema.c - the SQLite schema, as scripts that each take the database
 * up one version (PRAGMA user_version). sqlite.c runs them at open, in one
 * transaction; a released script is never edited, a change is a new script.
 *
 * Choices the code above relies on: ids of accounts, events and posts are
 * store_new_id() values (time-sortable), so "ORDER BY id" is time order and
 * max_id/since_id pagination is a range scan of posts(event_id, id). Enumerated
 * columns carry CHECKs, so a bad value is refused here even if a caller
 * forgets. Secrets are kept only as SHA-256 hashes (tokens, sessions).
 * posts_fts indexes posts.text with diacritics removed ("cooperer" finds
 * "Coopérer"); it is an external-content FTS5 table kept exact by triggers,
 * which also fire for posts removed by ON DELETE CASCADE.
 */
#include "store/store_int.h"

static const char schema_v1[] =
    "CREATE TABLE accounts (\n"
    "    id            INTEGER PRIMARY KEY,\n"
    "    username      TEXT NOT NULL UNIQUE,\n"
    "    display_name  TEXT NOT NULL DEFAULT '',\n"
    "    note          TEXT NOT NULL DEFAULT '',\n"
    "    role          TEXT NOT NULL DEFAULT 'member'\n"
    "                  CHECK (role IN ('admin', 'editor', 'member')),\n"
    "    password_hash TEXT NOT NULL DEFAULT '',\n"
    "    created_at    TEXT NOT NULL,\n"
    "    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))\n"
    ");\n"
    "CREATE TABLE tokens (\n"
    "    id         INTEGER PRIMARY KEY,\n"
    "    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    hash       BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),\n"
    "    scopes     TEXT NOT NULL DEFAULT 'read',\n"
    "    created_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX tokens_account ON tokens (account_id);\n"
    "CREATE TABLE sessions (\n"
    "    id         INTEGER PRIMARY KEY,\n"
    "    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    hash       BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),\n"
    "    csrf       TEXT NOT NULL,\n"
    "    created_at TEXT NOT NULL,\n"
    "    expires_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX sessions_account ON sessions (account_id);\n"
    "CREATE INDEX sessions_expires ON sessions (expires_at);\n"
    "CREATE TABLE events (\n"
    "    id            INTEGER PRIMARY KEY,\n"
    "    slug          TEXT NOT NULL UNIQUE,\n"
    "    title         TEXT NOT NULL,\n"
    "    hashtag       TEXT,\n"
    "    lang          TEXT,\n"
    "    char_limit    INTEGER NOT NULL DEFAULT 140 CHECK (char_limit > 0),\n"
    "    starts_at     TEXT,\n"
    "    ends_at       TEXT,\n"
    "    timezone      TEXT,\n"
    "    series        TEXT,\n"
    "    venue_name    TEXT,\n"
    "    venue_address TEXT,\n"
    "    venue_url     TEXT,\n"
    "    attendance    INTEGER CHECK (attendance >= 0),\n"
    "    context_md    TEXT,\n"
    "    disclaimer_md TEXT,\n"
    "    conclusion_md TEXT,\n"
    "    signature     TEXT,\n"
    "    state         TEXT NOT NULL DEFAULT 'draft'\n"
    "                  CHECK (state IN ('draft', 'live', 'ended', 'published')),\n"
    "    created_by    INTEGER REFERENCES accounts (id) ON DELETE SET NULL,\n"
    "    created_at    TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX events_created_by ON events (created_by);\n"
    "CREATE TABLE event_editors (\n"
    "    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,\n"
    "    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    PRIMARY KEY (event_id, account_id)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX event_editors_account ON event_editors (account_id);\n"
    "CREATE TABLE event_people (\n"
    "    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,\n"
    "    position    INTEGER NOT NULL,\n"
    "    name        TEXT NOT NULL,\n"
    "    affiliation TEXT NOT NULL DEFAULT '',\n"
    "    role        TEXT,\n"
    "    aliases     TEXT NOT NULL DEFAULT '[]'\n"
    "                CHECK (json_valid(aliases) AND json_type(aliases) = 'array'),\n"
    "    url         TEXT,\n"
    "    PRIMARY KEY (event_id, position)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE event_orgs (\n"
    "    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,\n"
    "    position INTEGER NOT NULL,\n"
    "    kind     TEXT NOT NULL\n"
    "             CHECK (kind IN ('organizer', 'sponsor', 'supplier', 'partner')),\n"
    "    name     TEXT NOT NULL,\n"
    "    url      TEXT,\n"
    "    PRIMARY KEY (event_id, position)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE posts (\n"
    "    id               INTEGER PRIMARY KEY,\n"
    "    event_id         INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,\n"
    "    account_id       INTEGER REFERENCES accounts (id),\n"
    "    speaker_name     TEXT,\n"
    "    speaker_audience INTEGER NOT NULL DEFAULT 0 CHECK (speaker_audience IN (0, 1)),\n"
    "    speaker_label    TEXT,\n"
    "    text             TEXT NOT NULL,\n"
    "    html             TEXT NOT NULL DEFAULT '',\n"
    "    lang             TEXT,\n"
    "    visibility       TEXT NOT NULL DEFAULT 'public',\n"
    "    in_reply_to_id   INTEGER REFERENCES posts (id) ON DELETE SET NULL,\n"
    "    state            TEXT NOT NULL DEFAULT 'visible'\n"
    "                     CHECK (state IN ('visible', 'pending', 'hidden')),\n"
    "    created_at       TEXT NOT NULL,\n"
    "    edited_at        TEXT,\n"
    "    deleted_at       TEXT,\n"
    "    likes            INTEGER NOT NULL DEFAULT 0 CHECK (likes >= 0)\n"
    ");\n"
    "CREATE INDEX posts_event ON posts (event_id, id);\n"
    "CREATE INDEX posts_account ON posts (account_id, id);\n"
    /* Without it, deleting a post would scan every post for its replies. */
    "CREATE INDEX posts_reply ON posts (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;\n"
    /*
     * Keyed by position, so a post's tags read back in the order of its text
     * without a sort; the unique index keeps a tag once per post and serves
     * the hashtag timelines. No rowid: one b-tree less to write per post.
     */
    "CREATE TABLE post_tags (\n"
    "    post_id  INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,\n"
    "    position INTEGER NOT NULL,\n"
    "    tag      TEXT NOT NULL,\n"
    "    PRIMARY KEY (post_id, position)\n"
    ") WITHOUT ROWID;\n"
    "CREATE UNIQUE INDEX post_tags_tag ON post_tags (tag, post_id);\n"
    "CREATE TABLE favourites (\n"
    "    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,\n"
    "    created_at TEXT NOT NULL,\n"
    "    PRIMARY KEY (account_id, post_id)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX favourites_post ON favourites (post_id);\n"
    /* Searches list newest first, never by bm25: no column sizes to keep up. */
    "CREATE VIRTUAL TABLE posts_fts USING fts5 (\n"
    "    text, content = 'posts', content_rowid = 'id', columnsize = 0,\n"
    "    tokenize = 'unicode61 remove_diacritics 2'\n"
    ");\n"
    "CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN\n"
    "    INSERT INTO posts_fts (rowid, text) VALUES (new.id, new.text);\n"
    "END;\n"
    "CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN\n"
    "    INSERT INTO posts_fts (posts_fts, rowid, text) VALUES ('delete', old.id, old.text);\n"
    "END;\n"
    "CREATE TRIGGER posts_fts_update AFTER UPDATE OF text ON posts BEGIN\n"
    "    INSERT INTO posts_fts (posts_fts, rowid, text) VALUES ('delete', old.id, old.text);\n"
    "    INSERT INTO posts_fts (rowid, text) VALUES (new.id, new.text);\n"
    "END;\n";

/*
 * 1 -> 2: a new post is indexed for search a moment later, in batches
 * (store_fts_index_pending), not in the transaction that stores it: FTS5
 * writes a segment per transaction, which was half the cost of a post.
 * posts_fts_pending lists the posts not indexed yet; an update or delete of
 * one of them must not ask FTS5 to forget text it never indexed.
 */
static const char schema_v2[] =
    "CREATE TABLE posts_fts_pending (post_id INTEGER PRIMARY KEY);\n"
    "DROP TRIGGER posts_fts_insert;\n"
    "DROP TRIGGER posts_fts_delete;\n"
    "DROP TRIGGER posts_fts_update;\n"
    "CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN\n"
    "    INSERT INTO posts_fts_pending (post_id) VALUES (new.id);\n"
    "END;\n"
    "CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN\n"
    "    INSERT INTO posts_fts (posts_fts, rowid, text) SELECT 'delete', old.id, old.text\n"
    "        WHERE NOT EXISTS (SELECT 1 FROM posts_fts_pending WHERE post_id = old.id);\n"
    "    DELETE FROM posts_fts_pending WHERE post_id = old.id;\n"
    "END;\n"
    "CREATE TRIGGER posts_fts_update AFTER UPDATE OF text ON posts BEGIN\n"
    "    INSERT INTO posts_fts (posts_fts, rowid, text) SELECT 'delete', old.id, old.text\n"
    "        WHERE NOT EXISTS (SELECT 1 FROM posts_fts_pending WHERE post_id = old.id);\n"
    "    INSERT OR IGNORE INTO posts_fts_pending (post_id) VALUES (new.id);\n"
    "END;\n";

/*
 * 2 -> 3: the live streams and their audience.
 * - post_changes is the log of what a reader of the public streams sees
 *   change, written by triggers so that no write path can forget it: a post
 *   appears ('post': stored visible, or approved), changes ('update'),
 *   disappears ('delete': deleted, or hidden); the moderation queue sees a
 *   post wait ('pending') and leave it ('moderated'). seq is the id: of a
 *   server-sent event, so a client that reconnects with Last-Event-ID is
 *   sent what came after it. A deleted post's tags are kept in the row (its
 *   post_tags are gone), and an edited post's tags before the edit (the
 *   store replaces them after the row), so that the streams of a tag an
 *   edit removed hear of it. No foreign key on
 *   event_id: the rows of a post removed with its event would break it;
 *   deleting an event removes its rows instead.
 * - an event may let signed-in members post while it is live
 *   (audience_posts), and hold their posts for approval (moderation).
 */
static const char schema_v3[] =
    "ALTER TABLE events ADD COLUMN audience_posts INTEGER NOT NULL DEFAULT 0\n"
    "    CHECK (audience_posts IN (0, 1));\n"
    "ALTER TABLE events ADD COLUMN moderation INTEGER NOT NULL DEFAULT 0\n"
    "    CHECK (moderation IN (0, 1));\n"
    "CREATE TABLE post_changes (\n"
    "    seq      INTEGER PRIMARY KEY,\n"
    "    post_id  INTEGER NOT NULL,\n"
    "    event_id INTEGER NOT NULL,\n"
    "    kind     TEXT NOT NULL\n"
    "             CHECK (kind IN ('post', 'update', 'delete', 'pending', 'moderated')),\n"
    "    tags     TEXT\n"
    ");\n"
    "CREATE INDEX post_changes_event ON post_changes (event_id, seq);\n"
    "CREATE TRIGGER posts_change_insert AFTER INSERT ON posts\n"
    "    WHEN new.state IN ('visible', 'pending') BEGIN\n"
    "    INSERT INTO post_changes (post_id, event_id, kind) VALUES (new.id, new.event_id,\n"
    "        CASE new.state WHEN 'visible' THEN 'post' ELSE 'pending' END);\n"
    "END;\n"
    "CREATE TRIGGER posts_change_update AFTER UPDATE OF text, html, speaker_name,\n"
    "    speaker_audience, speaker_label, state, edited_at ON posts BEGIN\n"
    "    INSERT INTO post_changes (post_id, event_id, kind, tags)\n"
    "        SELECT new.id, new.event_id, k.kind,\n"
    "               (SELECT group_concat(tag, ' ') FROM post_tags WHERE post_id = new.id)\n"
    "        FROM (SELECT 'moderated' AS kind\n"
    "                  WHERE old.state = 'pending' AND new.state <> 'pending'\n"
    "              UNION ALL SELECT 'pending'\n"
    "                  WHERE old.state <> 'pending' AND new.state = 'pending'\n"
    "              UNION ALL SELECT 'delete'\n"
    "                  WHERE old.state = 'visible' AND new.state <> 'visible'\n"
    "              UNION ALL SELECT 'post'\n"
    "                  WHERE old.state <> 'visible' AND new.state = 'visible'\n"
    "              UNION ALL SELECT 'update'\n"
    "                  WHERE old.state = 'visible' AND new.state = 'visible') AS k;\n"
    "END;\n"
    "CREATE TRIGGER posts_change_delete BEFORE DELETE ON posts\n"
    "    WHEN old.state IN ('visible', 'pending') BEGIN\n"
    "    INSERT INTO post_changes (post_id, event_id, kind, tags)\n"
    "        SELECT old.id, old.event_id,\n"
    "               CASE old.state WHEN 'visible' THEN 'delete' ELSE 'moderated' END,\n"
    "               (SELECT group_concat(tag, ' ') FROM post_tags WHERE post_id = old.id)\n"
    "        WHERE EXISTS (SELECT 1 FROM events WHERE id = old.event_id);\n"
    "END;\n"
    "CREATE TRIGGER events_change_delete AFTER DELETE ON events BEGIN\n"
    "    DELETE FROM post_changes WHERE event_id = old.id;\n"
    "END;\n";

/*
 * 3 -> 4: readers' comments on the recap (api/comments.c has the rules).
 * - events.comments says who may comment (closed, members, guests) and
 *   comments_until when the recap becomes read-only (NULL: never).
 * - A comment is a member's (account_id) or a guest's (guest_name, and the
 *   SHA-256 of the email, never the email, for the identicon and to know a
 *   returning guest); guest_key is the SHA-256 of the browser's gz_guest
 *   cookie, which lets that browser change the comment for 15 minutes.
 *   address is a keyed hash of the client address (the key, address_key,
 *   is drawn once per database), for bans; the address itself is not kept.
 * - A deleted comment keeps its row, emptied, so that its replies still
 *   hang from it ("comment deleted"); parent_id has no ON DELETE for the
 *   same reason: only an event's deletion removes comments, all at once.
 * - likes counts comment_likes, kept by triggers; posts.likes counts
 *   favourites the same way (likes on posts, one per account).
 * - bans are per event: an editor bans an address or an account from
 *   commenting on their event.
 */
static const char schema_v4[] =
    "ALTER TABLE events ADD COLUMN comments TEXT NOT NULL DEFAULT 'members'\n"
    "    CHECK (comments IN ('closed', 'members', 'guests'));\n"
    "ALTER TABLE events ADD COLUMN comments_until TEXT;\n"
    "CREATE TABLE site_keys (\n"
    "    name TEXT PRIMARY KEY,\n"
    "    key  BLOB NOT NULL CHECK (length(key) = 32)\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO site_keys (name, key) VALUES ('address_key', randomblob(32));\n"
    "CREATE TABLE comments (\n"
    "    id               INTEGER PRIMARY KEY,\n"
    "    event_id         INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,\n"
    "    parent_id        INTEGER REFERENCES comments (id),\n"
    "    account_id       INTEGER REFERENCES accounts (id) ON DELETE SET NULL,\n"
    "    guest_name       TEXT,\n"
    "    guest_email_hash TEXT CHECK (guest_email_hash IS NULL OR length(guest_email_hash) = 64),\n"
    "    guest_key        BLOB CHECK (guest_key IS NULL OR length(guest_key) = 32),\n"
    "    address          BLOB,\n"
    "    body             TEXT NOT NULL,\n"
    "    html             TEXT NOT NULL,\n"
    "    state            TEXT NOT NULL DEFAULT 'approved'\n"
    "                     CHECK (state IN ('pending', 'approved', 'spam', 'deleted')),\n"
    "    created_at       TEXT NOT NULL,\n"
    "    edited_at        TEXT,\n"
    "    likes            INTEGER NOT NULL DEFAULT 0 CHECK (likes >= 0)\n"
    ");\n"
    "CREATE INDEX comments_event ON comments (event_id, id);\n"
    "CREATE INDEX comments_parent ON comments (parent_id) WHERE parent_id IS NOT NULL;\n"
    "CREATE INDEX comments_guest ON comments (guest_email_hash)\n"
    "    WHERE guest_email_hash IS NOT NULL AND state = 'approved';\n"
    "CREATE TABLE comment_likes (\n"
    "    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,\n"
    "    created_at TEXT NOT NULL,\n"
    "    PRIMARY KEY (account_id, comment_id)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX comment_likes_comment ON comment_likes (comment_id);\n"
    "CREATE TRIGGER comment_likes_insert AFTER INSERT ON comment_likes BEGIN\n"
    "    UPDATE comments SET likes = likes + 1 WHERE id = new.comment_id;\n"
    "END;\n"
    "CREATE TRIGGER comment_likes_delete AFTER DELETE ON comment_likes BEGIN\n"
    "    UPDATE comments SET likes = max(likes - 1, 0) WHERE id = old.comment_id;\n"
    "END;\n"
    "CREATE TRIGGER favourites_insert AFTER INSERT ON favourites BEGIN\n"
    "    UPDATE posts SET likes = likes + 1 WHERE id = new.post_id;\n"
    "END;\n"
    "CREATE TRIGGER favourites_delete AFTER DELETE ON favourites BEGIN\n"
    "    UPDATE posts SET likes = max(likes - 1, 0) WHERE id = old.post_id;\n"
    "END;\n"
    "CREATE TABLE comment_bans (\n"
    "    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,\n"
    "    account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    address    BLOB,\n"
    "    created_at TEXT NOT NULL,\n"
    "    CHECK ((account_id IS NULL) <> (address IS NULL))\n"
    ");\n"
    "CREATE UNIQUE INDEX comment_bans_account ON comment_bans (event_id, account_id)\n"
    "    WHERE account_id IS NOT NULL;\n"
    "CREATE UNIQUE INDEX comment_bans_address ON comment_bans (event_id, address)\n"
    "    WHERE address IS NOT NULL;\n";

/*
 * 4 -> 5: the Mastodon client API (issue 6).
 * - posts is rebuilt (SQLite cannot drop a NOT NULL): event_id may be
 *   NULL, for a status posted from a Mastodon app that belongs to no event
 *   (a post of its author's profile); spoiler_text and sensitive as
 *   Mastodon has them. Its indexes and triggers come back as they were,
 *   the change log's writing NULL events as 0. store_open() runs this with
 *   foreign keys off and checks them before the commit.
 * - OAuth: registered apps (the secret kept as its SHA-256), authorization
 *   codes (hashed, short-lived, with their PKCE challenge), tokens tied to
 *   the app that obtained them (revoked with it), and app tokens of the
 *   client_credentials grant, which speak for no account.
 * - Idempotency-Key: the status a key already made, per account.
 * - media uploaded by an account, attached to a post later; reblogs;
 *   markers (where a client stopped reading a timeline).
 */
static const char schema_v5[] =
    "CREATE TABLE posts_v5 (\n"
    "    id               INTEGER PRIMARY KEY,\n"
    "    event_id         INTEGER REFERENCES events (id) ON DELETE CASCADE,\n"
    "    account_id       INTEGER REFERENCES accounts (id),\n"
    "    speaker_name     TEXT,\n"
    "    speaker_audience INTEGER NOT NULL DEFAULT 0 CHECK (speaker_audience IN (0, 1)),\n"
    "    speaker_label    TEXT,\n"
    "    text             TEXT NOT NULL,\n"
    "    html             TEXT NOT NULL DEFAULT '',\n"
    "    lang             TEXT,\n"
    "    visibility       TEXT NOT NULL DEFAULT 'public',\n"
    "    in_reply_to_id   INTEGER REFERENCES posts (id) ON DELETE SET NULL,\n"
    "    state            TEXT NOT NULL DEFAULT 'visible'\n"
    "                     CHECK (state IN ('visible', 'pending', 'hidden')),\n"
    "    created_at       TEXT NOT NULL,\n"
    "    edited_at        TEXT,\n"
    "    deleted_at       TEXT,\n"
    "    likes            INTEGER NOT NULL DEFAULT 0 CHECK (likes >= 0),\n"
    "    spoiler_text     TEXT NOT NULL DEFAULT '',\n"
    "    sensitive        INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1))\n"
    ");\n"
    "INSERT INTO posts_v5 (id, event_id, account_id, speaker_name, speaker_audience,\n"
    "    speaker_label, text, html, lang, visibility, in_reply_to_id, state, created_at,\n"
    "    edited_at, deleted_at, likes)\n"
    "    SELECT id, event_id, account_id, speaker_name, speaker_audience, speaker_label, text,\n"
    "    html, lang, visibility, in_reply_to_id, state, created_at, edited_at, deleted_at, likes\n"
    "    FROM posts;\n"
    /* the triggers of other tables that name posts go, and come back after */
    "DROP TRIGGER favourites_insert;\n"
    "DROP TRIGGER favourites_delete;\n"
    "DROP TABLE posts;\n"
    "ALTER TABLE posts_v5 RENAME TO posts;\n"
    "CREATE TRIGGER favourites_insert AFTER INSERT ON favourites BEGIN\n"
    "    UPDATE posts SET likes = likes + 1 WHERE id = new.post_id;\n"
    "END;\n"
    "CREATE TRIGGER favourites_delete AFTER DELETE ON favourites BEGIN\n"
    "    UPDATE posts SET likes = max(likes - 1, 0) WHERE id = old.post_id;\n"
    "END;\n"
    "CREATE INDEX posts_event ON posts (event_id, id);\n"
    "CREATE INDEX posts_account ON posts (account_id, id);\n"
    "CREATE INDEX posts_reply ON posts (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;\n"
    "CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN\n"
    "    INSERT INTO posts_fts_pending (post_id) VALUES (new.id);\n"
    "END;\n"
    "CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN\n"
    "    INSERT INTO posts_fts (posts_fts, rowid, text) SELECT 'delete', old.id, old.text\n"
    "        WHERE NOT EXISTS (SELECT 1 FROM posts_fts_pending WHERE post_id = old.id);\n"
    "    DELETE FROM posts_fts_pending WHERE post_id = old.id;\n"
    "END;\n"
    "CREATE TRIGGER posts_fts_update AFTER UPDATE OF text ON posts BEGIN\n"
    "    INSERT INTO posts_fts (posts_fts, rowid, text) SELECT 'delete', old.id, old.text\n"
    "        WHERE NOT EXISTS (SELECT 1 FROM posts_fts_pending WHERE post_id = old.id);\n"
    "    INSERT OR IGNORE INTO posts_fts_pending (post_id) VALUES (new.id);\n"
    "END;\n"
    "CREATE TRIGGER posts_change_insert AFTER INSERT ON posts\n"
    "    WHEN new.state IN ('visible', 'pending') BEGIN\n"
    "    INSERT INTO post_changes (post_id, event_id, kind) VALUES (new.id,\n"
    "        coalesce(new.event_id, 0),\n"
    "        CASE new.state WHEN 'visible' THEN 'post' ELSE 'pending' END);\n"
    "END;\n"
    "CREATE TRIGGER posts_change_update AFTER UPDATE OF text, html, speaker_name,\n"
    "    speaker_audience, speaker_label, state, edited_at, spoiler_text ON posts BEGIN\n"
    "    INSERT INTO post_changes (post_id, event_id, kind, tags)\n"
    "        SELECT new.id, coalesce(new.event_id, 0), k.kind,\n"
    "               (SELECT group_concat(tag, ' ') FROM post_tags WHERE post_id = new.id)\n"
    "        FROM (SELECT 'moderated' AS kind\n"
    "                  WHERE old.state = 'pending' AND new.state <> 'pending'\n"
    "              UNION ALL SELECT 'pending'\n"
    "                  WHERE old.state <> 'pending' AND new.state = 'pending'\n"
    "              UNION ALL SELECT 'delete'\n"
    "                  WHERE old.state = 'visible' AND new.state <> 'visible'\n"
    "              UNION ALL SELECT 'post'\n"
    "                  WHERE old.state <> 'visible' AND new.state = 'visible'\n"
    "              UNION ALL SELECT 'update'\n"
    "                  WHERE old.state = 'visible' AND new.state = 'visible') AS k;\n"
    "END;\n"
    "CREATE TRIGGER posts_change_delete BEFORE DELETE ON posts\n"
    "    WHEN old.state IN ('visible', 'pending') BEGIN\n"
    "    INSERT INTO post_changes (post_id, event_id, kind, tags)\n"
    "        SELECT old.id, coalesce(old.event_id, 0),\n"
    "               CASE old.state WHEN 'visible' THEN 'delete' ELSE 'moderated' END,\n"
    "               (SELECT group_concat(tag, ' ') FROM post_tags WHERE post_id = old.id)\n"
    "        WHERE old.event_id IS NULL\n"
    "           OR EXISTS (SELECT 1 FROM events WHERE id = old.event_id);\n"
    "END;\n"
    "CREATE TABLE oauth_apps (\n"
    "    id            INTEGER PRIMARY KEY,\n"
    "    client_id     TEXT NOT NULL UNIQUE,\n"
    "    secret_hash   BLOB NOT NULL CHECK (length(secret_hash) = 32),\n"
    "    name          TEXT NOT NULL,\n"
    "    website       TEXT,\n"
    "    redirect_uris TEXT NOT NULL,\n"
    "    scopes        TEXT NOT NULL,\n"
    "    created_at    TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE oauth_codes (\n"
    "    hash             BLOB PRIMARY KEY CHECK (length(hash) = 32),\n"
    "    app_id           INTEGER NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,\n"
    "    account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    scopes           TEXT NOT NULL,\n"
    "    redirect_uri     TEXT NOT NULL,\n"
    "    challenge        TEXT,\n"
    "    challenge_method TEXT CHECK (challenge_method IS NULL OR challenge_method IN ('S256', "
    "'plain')),\n"
    "    expires_at       TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX oauth_codes_app ON oauth_codes (app_id);\n"
    "ALTER TABLE tokens ADD COLUMN app_id INTEGER REFERENCES oauth_apps (id) ON DELETE CASCADE;\n"
    "CREATE INDEX tokens_app ON tokens (app_id) WHERE app_id IS NOT NULL;\n"
    "CREATE TABLE app_tokens (\n"
    "    hash       BLOB PRIMARY KEY CHECK (length(hash) = 32),\n"
    "    app_id     INTEGER NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,\n"
    "    scopes     TEXT NOT NULL,\n"
    "    created_at TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX app_tokens_app ON app_tokens (app_id);\n"
    "CREATE TABLE idempotency (\n"
    "    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    key        TEXT NOT NULL,\n"
    "    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,\n"
    "    created_at TEXT NOT NULL,\n"
    "    PRIMARY KEY (account_id, key)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX idempotency_post ON idempotency (post_id);\n"
    "CREATE TABLE media (\n"
    "    id          INTEGER PRIMARY KEY,\n"
    "    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    post_id     INTEGER REFERENCES posts (id) ON DELETE SET NULL,\n"
    "    position    INTEGER NOT NULL DEFAULT 0,\n"
    "    file        TEXT NOT NULL UNIQUE,\n"
    "    mime        TEXT NOT NULL,\n"
    "    width       INTEGER NOT NULL CHECK (width > 0),\n"
    "    height      INTEGER NOT NULL CHECK (height > 0),\n"
    "    size        INTEGER NOT NULL CHECK (size > 0),\n"
    "    description TEXT NOT NULL DEFAULT '',\n"
    "    credit      TEXT NOT NULL DEFAULT '',\n"
    "    created_at  TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX media_post ON media (post_id, position) WHERE post_id IS NOT NULL;\n"
    "CREATE INDEX media_account ON media (account_id);\n"
    "CREATE TABLE reblogs (\n"
    "    id         INTEGER PRIMARY KEY,\n"
    "    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,\n"
    "    created_at TEXT NOT NULL,\n"
    "    UNIQUE (account_id, post_id)\n"
    ");\n"
    "CREATE INDEX reblogs_post ON reblogs (post_id);\n"
    /* an account's visible posts, counted as they change: a Status carries it */
    "ALTER TABLE accounts ADD COLUMN posts_count INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE accounts ADD COLUMN last_post_at TEXT;\n"
    "UPDATE accounts SET posts_count = (SELECT count(*) FROM posts\n"
    "    WHERE account_id = accounts.id AND state = 'visible'),\n"
    "    last_post_at = (SELECT max(created_at) FROM posts\n"
    "    WHERE account_id = accounts.id AND state = 'visible');\n"
    "CREATE TRIGGER accounts_count_insert AFTER INSERT ON posts\n"
    "    WHEN new.state = 'visible' AND new.account_id IS NOT NULL BEGIN\n"
    "    UPDATE accounts SET posts_count = posts_count + 1,\n"
    "        last_post_at = max(coalesce(last_post_at, ''), new.created_at)\n"
    "        WHERE id = new.account_id;\n"
    "END;\n"
    "CREATE TRIGGER accounts_count_delete AFTER DELETE ON posts\n"
    "    WHEN old.state = 'visible' AND old.account_id IS NOT NULL BEGIN\n"
    "    UPDATE accounts SET posts_count = max(posts_count - 1, 0) WHERE id = old.account_id;\n"
    "END;\n"
    "CREATE TRIGGER accounts_count_state AFTER UPDATE OF state ON posts\n"
    "    WHEN new.account_id IS NOT NULL AND (old.state = 'visible') <> (new.state = 'visible')\n"
    "    BEGIN\n"
    "    UPDATE accounts SET posts_count = max(posts_count +\n"
    "        CASE new.state WHEN 'visible' THEN 1 ELSE -1 END, 0) WHERE id = new.account_id;\n"
    "END;\n"
    "CREATE TABLE markers (\n"
    "    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    timeline     TEXT NOT NULL CHECK (timeline IN ('home', 'notifications')),\n"
    "    last_read_id INTEGER NOT NULL,\n"
    "    version      INTEGER NOT NULL DEFAULT 1,\n"
    "    updated_at   TEXT NOT NULL,\n"
    "    PRIMARY KEY (account_id, timeline)\n"
    ") WITHOUT ROWID;\n";

/*
 * 5 -> 6: the same CHECKs on posts.state and post_changes.kind, written as
 * comparisons joined by OR. SQLite tests `x IN (a, b, c)` (three values or
 * more) by filling an ephemeral table each time a statement runs: two per
 * post stored (posts.state, then post_changes.kind by trigger), ~5% of a
 * Mastodon status's cost (bench/RESULTS.md). The new CHECKs accept exactly
 * the values the old ones did, so every stored row meets them and the tables
 * are not rebuilt: the two CREATE TABLE texts are edited in sqlite_schema, as
 * SQLite's documentation of ALTER TABLE allows for changes that leave the
 * stored rows valid ("Making Other Kinds Of Table Schema Changes");
 * writable_schema = RESET reloads this connection's schema, and sq_migrate
 * bumps the schema cookie so that every other connection reloads it too.
 */
static const char schema_v6[] =
    "PRAGMA writable_schema = ON;\n"
    "UPDATE sqlite_schema SET sql = replace(sql,\n"
    "    'CHECK (state IN (''visible'', ''pending'', ''hidden''))',\n"
    "    'CHECK (state = ''visible'' OR state = ''pending'' OR state = ''hidden'')')\n"
    "    WHERE type = 'table' AND name = 'posts';\n"
    "UPDATE sqlite_schema SET sql = replace(sql,\n"
    "    'CHECK (kind IN (''post'', ''update'', ''delete'', ''pending'', ''moderated''))',\n"
    "    'CHECK (kind = ''post'' OR kind = ''update'' OR kind = ''delete''\n"
    "                   OR kind = ''pending'' OR kind = ''moderated'')')\n"
    "    WHERE type = 'table' AND name = 'post_changes';\n"
    "PRAGMA writable_schema = RESET;\n";

/*
 * 6 -> 7: bookmarks, the statuses a Mastodon app's user keeps for later
 * (private to them), as favourites are kept; by post as well, for a post's
 * deletion to find its rows.
 */
static const char schema_v7[] =
    "CREATE TABLE bookmarks (\n"
    "    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,\n"
    "    created_at TEXT NOT NULL,\n"
    "    PRIMARY KEY (account_id, post_id)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX bookmarks_post ON bookmarks (post_id);\n";

/*
 * 7 -> 8: pins, the statuses an account shows first on its profile (an
 * event's announcement); only its author pins a post, so the post is the
 * key.
 */
static const char schema_v8[] =
    "CREATE TABLE pins (\n"
    "    post_id    INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,\n"
    "    created_at TEXT NOT NULL\n"
    ");\n";

/*
 * 8 -> 9: what an account put out of its notifications. Notifications are
 * not rows (they are read from replies, mentions, favourites and reblogs),
 * so "clear all" keeps the newest id it cleared and a dismissal the id it
 * dismissed.
 */
static const char schema_v9[] =
    "CREATE TABLE notifications_cleared (\n"
    "    account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    up_to      INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE notifications_dismissed (\n"
    "    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    notification_id INTEGER NOT NULL,\n"
    "    PRIMARY KEY (account_id, notification_id)\n"
    ") WITHOUT ROWID;\n";

/*
 * 9 -> 10: statuses to post later (Mastodon's scheduled_at), with their
 * parameters as the API took them; the scheduler walks them by time.
 */
static const char schema_v10[] =
    "CREATE TABLE scheduled_statuses (\n"
    "    id           INTEGER PRIMARY KEY,\n"
    "    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
    "    scheduled_at TEXT NOT NULL,\n"
    "    params       TEXT NOT NULL CHECK (json_valid(params)),\n"
    "    created_at   TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX scheduled_statuses_due ON scheduled_statuses (scheduled_at);\n"
    "CREATE INDEX scheduled_statuses_account ON scheduled_statuses (account_id, id);\n";

/*
 * 10 -> 11: the Idempotency-Key a scheduled status came with, so that an
 * app's retry on a bad connection schedules it once (one per account).
 */
static const char schema_v11[] =
    "ALTER TABLE scheduled_statuses ADD COLUMN idempotency_key TEXT;\n"
    "CREATE UNIQUE INDEX scheduled_statuses_key ON scheduled_statuses (account_id, "
    "idempotency_key)\n"
    "    WHERE idempotency_key IS NOT NULL;\n";

const char *const sq_migrations[STORE_SCHEMA_VERSION] = {
    schema_v1,  /* 0 -> 1: every table */
    schema_v2,  /* 1 -> 2: search indexing in batches */
    schema_v3,  /* 2 -> 3: the change log of the live streams; audience posts */
    schema_v4,  /* 3 -> 4: comments, likes, bans */
    schema_v5,  /* 4 -> 5: the Mastodon client API: OAuth, media, posts outside events */
    schema_v6,  /* 5 -> 6: CHECKs on posts.state and post_changes.kind without IN lists */
    schema_v7,  /* 6 -> 7: bookmarks */
    schema_v8,  /* 7 -> 8: pins */
    schema_v9,  /* 8 -> 9: notifications cleared and dismissed */
    schema_v10, /* 9 -> 10: scheduled statuses */
    schema_v11, /* 10 -> 11: their Idempotency-Key */
};
