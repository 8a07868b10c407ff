//! Where each comment of a thread is shown (DESIGN §3): deleted comments
//! stay as tombstones only while a visible reply hangs under them; a reply
//! whose parent is not public shows at the top; replies nest up to the
//! site's display depth, and deeper ones show flat under the comment at
//! that depth. Linear in the number of comments, without recursion: the
//! parents are strangers' data.

use super::CommentId;
use std::collections::{HashMap, VecDeque};

/// One comment as the shape sees it.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub id: CommentId,
    pub parent: Option<CommentId>,
    pub deleted: bool,
}

/// The shape of a thread, by index into the comments given (oldest first).
#[derive(Debug, Clone)]
pub struct Tree {
    parent: Vec<Option<usize>>,
    /// From the top, 1 for top-level; 0 for a comment not shown.
    depth: Vec<u32>,
    /// For comments deeper than the display depth, their ancestor at it.
    anchor: Vec<Option<usize>>,
    /// Top-level comments, oldest first.
    pub roots: Vec<usize>,
    max_depth: u32,
}

impl Tree {
    pub fn shape(nodes: &[Node], max_depth: u8) -> Tree {
        let max_depth = u32::from(max_depth.max(1));
        let index: HashMap<CommentId, usize> =
            nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
        let parent: Vec<Option<usize>> = nodes
            .iter()
            .map(|n| n.parent.and_then(|p| index.get(&p).copied()))
            .collect();
        let visible = visible(nodes, &parent);
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        let mut roots = Vec::new();
        for i in (0..nodes.len()).filter(|&i| visible[i]) {
            match parent[i] {
                Some(p) => children[p].push(i),
                None => roots.push(i),
            }
        }
        // Walking down with a queue; comments in a cycle of parents hang
        // from no root and are not shown.
        let mut depth = vec![0u32; nodes.len()];
        let mut anchor: Vec<Option<usize>> = vec![None; nodes.len()];
        let mut queue: VecDeque<usize> = roots.iter().copied().collect();
        for &r in &roots {
            depth[r] = 1;
        }
        while let Some(i) = queue.pop_front() {
            for &k in &children[i] {
                depth[k] = depth[i] + 1;
                anchor[k] = if depth[i] == max_depth {
                    Some(i)
                } else {
                    anchor[i]
                };
                queue.push_back(k);
            }
        }
        Tree {
            parent,
            depth,
            anchor,
            roots,
            max_depth,
        }
    }

    /// Whether the comment at `i` is shown at all.
    pub fn shown(&self, i: usize) -> bool {
        self.depth[i] > 0
    }

    /// The comment whose replies hold the one at `i`: its parent, or past
    /// the display depth its ancestor at that depth; none for the top.
    pub fn holder(&self, i: usize) -> Option<usize> {
        match (
            self.depth[i] > self.max_depth,
            self.anchor[i],
            self.parent[i],
        ) {
            (true, Some(a), _) => Some(a),
            (false, _, Some(p)) => Some(p),
            _ => None,
        }
    }
}

/// Visible: not deleted, or above something visible. Each walk up stops
/// at the first comment already lifted, so this is linear.
fn visible(nodes: &[Node], parent: &[Option<usize>]) -> Vec<bool> {
    let mut visible: Vec<bool> = nodes.iter().map(|n| !n.deleted).collect();
    let mut lifted = vec![false; nodes.len()];
    for i in 0..nodes.len() {
        if nodes[i].deleted {
            continue;
        }
        let mut up = parent[i];
        while let Some(p) = up {
            if lifted[p] {
                break;
            }
            lifted[p] = true;
            visible[p] = true;
            up = parent[p];
        }
    }
    visible
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent: Option<i64>, deleted: bool) -> Node {
        Node {
            id: CommentId(id),
            parent: parent.map(CommentId),
            deleted,
        }
    }

    #[test]
    fn tombstones_stay_only_above_visible_replies_and_depth_is_capped() {
        let nodes = [
            node(1, None, true),
            node(2, Some(1), false),
            node(3, None, true),
            node(4, Some(2), false),
            node(5, Some(4), false),
        ];
        let tree = Tree::shape(&nodes, 2);
        assert!(tree.shown(0) && !tree.shown(2));
        assert_eq!(tree.roots, vec![0]);
        assert_eq!(tree.holder(1), Some(0));
        // 4 and 5 are deeper than 2: both show flat under 2 (index 1).
        assert_eq!(tree.holder(3), Some(1));
        assert_eq!(tree.holder(4), Some(1));
    }

    #[test]
    fn a_cycle_of_parents_shows_nothing_and_ends() {
        let nodes = [node(1, Some(2), false), node(2, Some(1), false)];
        let tree = Tree::shape(&nodes, 5);
        assert!(!tree.shown(0) && !tree.shown(1));
    }
}
