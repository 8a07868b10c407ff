//! What the public API shows of threads and comments. Never an email, an IP
//! hash or a token.

use crate::domain::tree::{Node, Tree};
use crate::domain::{CommentId, Status, rfc3339};
use crate::keys::Keys;
use crate::store::comments::CommentRow;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct AuthorView {
    pub name: String,
    pub website: Option<String>,
    pub avatar: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    pub id: CommentId,
    pub parent: Option<CommentId>,
    pub status: Status,
    pub author: AuthorView,
    pub html: String,
    pub created: String,
    pub edited: Option<String>,
    pub likes: i64,
    pub dislikes: i64,
    /// Written by a signed-in reader (DESIGN §15).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub verified: bool,
    /// The name of the provider they signed in with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The signed-in reader's public key, as `/api/me` gives it: the
    /// widget knows its own comments by it, so every reader gets the same
    /// bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The site's team badge, on its moderators' comments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    pub replies: Vec<CommentView>,
}

/// What a comment's marks are read from: the site's display depth, its
/// team badge and the names of the providers.
#[derive(Debug, Clone, Default)]
pub struct Look {
    pub max_depth: u8,
    pub badge: String,
    /// (provider id, its name on buttons and comments).
    pub providers: Vec<(String, String)>,
}

/// The public key of a signed-in reader: a keyed hash of their identity,
/// the same in the thread (`by`) and in `/api/me` (`key`).
pub fn reader_key(keys: &Keys, identity: i64) -> String {
    keys.author_key("identity", &identity.to_string())
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreadInfo {
    pub key: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub count: u64,
    pub locked: bool,
    /// The newest event when this was read: where a live stream of the
    /// thread starts so that it misses nothing.
    pub event_id: i64,
}

#[derive(Debug, Serialize)]
pub struct ThreadAnswer {
    pub thread: ThreadInfo,
    pub comments: Vec<CommentView>,
    pub next_cursor: Option<String>,
}

/// The order of top-level comments. Replies always read oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    Oldest,
    Newest,
    Top,
}

impl Sort {
    pub fn parse(s: Option<&str>) -> Result<Sort, String> {
        match s.unwrap_or("oldest") {
            "oldest" => Ok(Sort::Oldest),
            "newest" => Ok(Sort::Newest),
            "top" => Ok(Sort::Top),
            other => Err(format!(
                "sort {other:?} is not known: use oldest, newest or top"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Oldest => "oldest",
            Sort::Newest => "newest",
            Sort::Top => "top",
        }
    }
}

/// One comment as the public sees it; a deleted one is a bare tombstone.
pub fn comment_view(row: &CommentRow, keys: &Keys, look: &Look) -> CommentView {
    let shown_status = match row.status {
        // A comment stored as spam is answered as if held.
        Status::Spam => Status::Pending,
        s => s,
    };
    if row.status == Status::Deleted {
        return tombstone(row.id, row.parent, row.created, row.pinned, keys);
    }
    // Keyed by the author key, which is per site; a comment without one has
    // a face of its own. Never by the email: that would tell which comments
    // a typed address wrote (DESIGN §8, §14).
    let who = match &row.voter_hash {
        Some(key) => format!("author|{key}"),
        None => format!("comment|{}", row.id.0),
    };
    CommentView {
        id: row.id,
        parent: row.parent,
        status: shown_status,
        author: AuthorView {
            name: row.name.clone().unwrap_or_else(|| "Anonymous".into()),
            website: row.website.clone(),
            avatar: avatar_path(&keys.avatar_seed(&who)),
        },
        html: row.html.as_str().to_string(),
        created: rfc3339(row.created),
        edited: row.edited.map(rfc3339),
        likes: row.likes,
        dislikes: row.dislikes,
        verified: row.identity.is_some(),
        provider: row.provider.as_ref().map(|id| {
            look.providers
                .iter()
                .find(|(p, _)| p == id)
                .map_or_else(|| id.clone(), |(_, name)| name.clone())
        }),
        by: row.identity.map(|i| reader_key(keys, i)),
        badge: row.team.then(|| look.badge.clone()),
        pinned: row.pinned,
        replies: Vec::new(),
    }
}

/// What is left of a deleted comment: its place, and nothing of its author.
pub fn tombstone(
    id: CommentId,
    parent: Option<CommentId>,
    created: crate::domain::UnixTime,
    pinned: bool,
    keys: &Keys,
) -> CommentView {
    CommentView {
        id,
        parent,
        status: Status::Deleted,
        author: AuthorView {
            name: String::new(),
            website: None,
            avatar: avatar_path(&keys.avatar_seed("deleted")),
        },
        html: String::new(),
        created: rfc3339(created),
        edited: None,
        likes: 0,
        dislikes: 0,
        verified: false,
        provider: None,
        by: None,
        badge: None,
        pinned,
        replies: Vec::new(),
    }
}

fn avatar_path(seed: &str) -> String {
    format!("/api/avatar/{seed}.svg")
}

/// A thread's public comments, built once per version of the thread and
/// then cut into pages: every `limit`, `cursor` and `sort` is a slice of
/// the same build, never a new one.
///
/// Reply chains may be any depth (DESIGN §3, §14), so nothing here recurses
/// on the data: parents are followed with loops, and what answers nest is
/// bounded by the site's display depth. Up to that depth a comment's
/// `replies` are its own; a comment at that depth holds every deeper reply
/// flat, oldest first, each with its real `parent`.
#[derive(Debug)]
pub struct BuiltThread {
    /// The comments shown, oldest first, each without replies.
    views: Vec<CommentView>,
    /// Per comment, what its `replies` hold (indexes into `views`).
    shown: Vec<Vec<u32>>,
    /// Top-level comments, oldest first.
    oldest: Vec<u32>,
    /// Top-level comments, best score first (ties oldest first).
    best: Vec<u32>,
    /// Pinned top-level comments, oldest first: before the others in every
    /// order.
    pinned: Vec<u32>,
    /// The thread, with its count of published comments.
    pub thread: ThreadInfo,
    bytes: usize,
}

impl BuiltThread {
    /// Builds the public tree from published and deleted rows given oldest
    /// first: deleted comments stay (as tombstones) only while a visible
    /// reply hangs under them; a reply whose parent is not public (held,
    /// spam) is shown at top level. `max_depth` is the site's display depth.
    pub fn build(
        mut thread: ThreadInfo,
        rows: &[CommentRow],
        look: &Look,
        keys: &Keys,
    ) -> BuiltThread {
        let nodes: Vec<Node> = rows
            .iter()
            .map(|r| Node {
                id: r.id,
                parent: r.parent,
                deleted: r.status == Status::Deleted,
            })
            .collect();
        let tree = Tree::shape(&nodes, look.max_depth);
        // Number the shown comments in conversation order (oldest first).
        let mut slot: Vec<Option<u32>> = vec![None; rows.len()];
        let mut views = Vec::new();
        let mut bytes = 0;
        for i in (0..rows.len()).filter(|&i| tree.shown(i)) {
            slot[i] = Some(views.len() as u32);
            let view = comment_view(&rows[i], keys, look);
            bytes += view_bytes(&view);
            views.push(view);
        }
        let mut shown: Vec<Vec<u32>> = vec![Vec::new(); views.len()];
        for i in 0..rows.len() {
            let Some(me) = slot[i] else { continue };
            let Some(holder) = tree.holder(i) else {
                continue;
            };
            if let Some(h) = slot[holder] {
                shown[h as usize].push(me);
            }
        }
        let (pinned, oldest): (Vec<u32>, Vec<u32>) = tree
            .roots
            .iter()
            .filter_map(|&r| slot[r])
            .partition(|&v| views[v as usize].pinned);
        let mut best = oldest.clone();
        best.sort_by_key(|&v| {
            let v = &views[v as usize];
            std::cmp::Reverse(v.likes - v.dislikes)
        });
        bytes += (shown.len() + oldest.len() + best.len() + pinned.len()) * 4
            + shown.len() * std::mem::size_of::<Vec<u32>>();
        thread.count = rows
            .iter()
            .filter(|r| r.status == Status::Published)
            .count() as u64;
        bytes += thread.key.len()
            + thread.url.as_ref().map_or(0, String::len)
            + thread.title.as_ref().map_or(0, String::len);
        BuiltThread {
            views,
            shown,
            oldest,
            best,
            pinned,
            thread,
            bytes,
        }
    }

    /// How many top-level comments there are to page through.
    pub fn top_level(&self) -> usize {
        self.pinned.len() + self.oldest.len()
    }

    /// About how many bytes the build holds, for the cache's bound.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// `limit` top-level comments from `offset` on, in `sort` order, each
    /// with its replies, and the cursor of the next page if there is one.
    pub fn page(&self, sort: Sort, offset: usize, limit: usize) -> ThreadAnswer {
        let len = self.top_level();
        let start = offset.min(len);
        let end = start.saturating_add(limit).min(len);
        let rest: Box<dyn Iterator<Item = &u32>> = match sort {
            Sort::Oldest => Box::new(self.oldest.iter()),
            Sort::Newest => Box::new(self.oldest.iter().rev()),
            Sort::Top => Box::new(self.best.iter()),
        };
        let picked: Vec<u32> = self
            .pinned
            .iter()
            .chain(rest)
            .skip(start)
            .take(end - start)
            .copied()
            .collect();
        ThreadAnswer {
            thread: self.thread.clone(),
            comments: picked.into_iter().map(|v| self.with_replies(v)).collect(),
            next_cursor: (end < len).then(|| end.to_string()),
        }
    }

    /// A shown comment with its replies. The nesting is at most the
    /// display depth deep, as the build made it.
    fn with_replies(&self, v: u32) -> CommentView {
        let mut view = self.views[v as usize].clone();
        view.replies = self.shown[v as usize]
            .iter()
            .map(|&r| self.with_replies(r))
            .collect();
        view
    }
}

/// About how many bytes a comment's view holds.
fn view_bytes(v: &CommentView) -> usize {
    std::mem::size_of::<CommentView>()
        + v.author.name.len()
        + v.author.website.as_ref().map_or(0, String::len)
        + v.author.avatar.len()
        + v.html.len()
        + v.created.len()
        + v.edited.as_ref().map_or(0, String::len)
}
