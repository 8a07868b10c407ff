//! What the public API shows of threads and comments. Never an email, an IP
//! hash or a token.

use crate::domain::{CommentId, Status, rfc3339};
use crate::keys::Keys;
use crate::store::comments::CommentRow;
use serde::Serialize;
use std::collections::HashMap;

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
    pub replies: Vec<CommentView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreadInfo {
    pub key: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub count: u64,
    pub locked: bool,
}

#[derive(Debug, Serialize)]
pub struct ThreadAnswer {
    pub thread: ThreadInfo,
    pub comments: Vec<CommentView>,
    pub next_cursor: Option<String>,
}

/// The order of top-level comments. Replies always read oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
pub fn comment_view(row: &CommentRow, keys: &Keys) -> CommentView {
    let shown_status = match row.status {
        // A comment stored as spam is answered as if held.
        Status::Spam => Status::Pending,
        s => s,
    };
    if row.status == Status::Deleted {
        return CommentView {
            id: row.id,
            parent: row.parent,
            status: Status::Deleted,
            author: AuthorView {
                name: String::new(),
                website: None,
                avatar: avatar_path(&keys.avatar_seed("deleted")),
            },
            html: String::new(),
            created: rfc3339(row.created),
            edited: None,
            likes: 0,
            dislikes: 0,
            replies: Vec::new(),
        };
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
        replies: Vec::new(),
    }
}

fn avatar_path(seed: &str) -> String {
    format!("/api/avatar/{seed}.svg")
}

/// Builds the public tree from published and deleted rows: deleted comments
/// stay (as tombstones) only while a visible reply hangs under them.
/// Returns the top-level comments in `sort` order.
pub fn build_tree(rows: &[CommentRow], sort: Sort, keys: &Keys) -> Vec<CommentView> {
    let mut children: HashMap<Option<CommentId>, Vec<&CommentRow>> = HashMap::new();
    let ids: std::collections::HashSet<CommentId> = rows.iter().map(|r| r.id).collect();
    for row in rows {
        // A reply whose parent is not public (held, spam) is shown at top level.
        let parent = row.parent.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(row);
    }
    fn build(
        row: &CommentRow,
        children: &HashMap<Option<CommentId>, Vec<&CommentRow>>,
        keys: &Keys,
    ) -> Option<CommentView> {
        let replies: Vec<CommentView> = children
            .get(&Some(row.id))
            .map(|kids| {
                kids.iter()
                    .filter_map(|k| build(k, children, keys))
                    .collect()
            })
            .unwrap_or_default();
        if row.status == Status::Deleted && replies.is_empty() {
            return None;
        }
        let mut view = comment_view(row, keys);
        view.replies = replies;
        Some(view)
    }
    let mut top: Vec<(&CommentRow, CommentView)> = children
        .get(&None)
        .map(|roots| {
            roots
                .iter()
                .filter_map(|r| build(r, &children, keys).map(|v| (*r, v)))
                .collect()
        })
        .unwrap_or_default();
    match sort {
        Sort::Oldest => {}
        Sort::Newest => top.reverse(),
        Sort::Top => top.sort_by_key(|(r, _)| std::cmp::Reverse(r.likes - r.dislikes)),
    }
    top.into_iter().map(|(_, v)| v).collect()
}
