//! Unit tests of the store's queries, each on a fresh database in memory.

use super::comments::{Insert, insert, text_hash};
use super::comments_checks::{DUPLICATE, recent_duplicate};
use super::outbox::{Kind, New, counts, enqueue, get, mark_failed, mark_sent, prune_sent};
use super::{Conn, StoreError};
use crate::domain::{Status, ThreadId};

/// The duplicate check reads the rows with the same text, not every
/// row of the last minutes: SQLite plans it on the hash index.
#[test]
fn the_duplicate_check_is_an_index_lookup_by_text() {
    let c = Conn::in_memory();
    let mut stmt =
        c.0.prepare(&format!("EXPLAIN QUERY PLAN {DUPLICATE}"))
            .unwrap();
    let plan: Vec<String> = stmt
        .query_map(rusqlite::params![1, "text", 0, text_hash("text")], |r| {
            r.get(3)
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let plan = plan.join("\n");
    assert!(
        plan.contains("USING INDEX comments_text_hash (thread_id=? AND text_hash=? AND created>?)"),
        "{plan}"
    );
    assert!(plan.contains("USING INDEX comments_unhashed"), "{plan}");
    assert!(!plan.contains("SCAN comments"), "{plan}");
}

#[test]
fn the_same_text_is_found_and_another_is_not() {
    let c = Conn::in_memory();
    c.0.execute_batch(
        "INSERT INTO sites (id, name, origins) VALUES ('s', 's', '[]');
         INSERT INTO threads (id, site_id, key, created) VALUES (1, 's', '/p', 0);",
    )
    .unwrap();
    let html = crate::render::render("same words");
    let new = |text| Insert {
        thread_id: ThreadId(1),
        parent: None,
        status: Status::Published,
        name: None,
        email: None,
        website: None,
        text,
        html: &html,
        ip_hash: "ip",
        voter_hash: None,
        edit_hash: "edit",
        edit_until: 0,
        created: 100,
        identity: None,
        team: false,
        held_reason: None,
    };
    insert(&c, &new("same words")).unwrap();
    assert!(recent_duplicate(&c, ThreadId(1), "same words", 50).unwrap());
    assert!(!recent_duplicate(&c, ThreadId(1), "same words", 101).unwrap());
    assert!(!recent_duplicate(&c, ThreadId(1), "other words", 50).unwrap());
    // A row from before the hash column is still compared.
    c.0.execute_batch(
        "INSERT INTO comments (thread_id, status, text, html, created)
         VALUES (1, 'published', 'old words', '', 100)",
    )
    .unwrap();
    assert!(recent_duplicate(&c, ThreadId(1), "old words", 50).unwrap());
}

#[test]
fn sent_items_are_pruned_failed_ones_kept_and_ids_never_reused() {
    let c = Conn::in_memory();
    let new = |now| New {
        kind: Kind::Email,
        site_id: None,
        topic: "moderator",
        recipient: "mod@example.org",
        payload: "{}",
        now,
    };
    let old = enqueue(&c, &new(100)).unwrap();
    let recent = enqueue(&c, &new(100)).unwrap();
    let dead = enqueue(&c, &new(100)).unwrap();
    mark_sent(&c, old, 200).unwrap();
    mark_sent(&c, recent, 5_000).unwrap();
    mark_failed(&c, dead, "refused", None, 200).unwrap();
    assert_eq!(prune_sent(&c, 1_000).unwrap(), 1);
    assert!(matches!(get(&c, old), Err(StoreError::NotFound)));
    assert_eq!(counts(&c).unwrap(), [0, 1, 1]);
    c.0.execute("DELETE FROM outbox WHERE id = ?1", [dead])
        .unwrap();
    assert!(enqueue(&c, &new(6_000)).unwrap() > dead);
}
