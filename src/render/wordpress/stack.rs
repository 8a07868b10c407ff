//! The stack of open elements: written out up to [`MAX_NESTING`] deep,
//! closed in order, and the block edges each push and pop makes.

use super::super::MAX_NESTING;
use super::super::elements::{El, Kind};
use super::{Builder, Open};

impl Builder {
    /// Closes the paragraph and inline elements at the top of the stack.
    pub(super) fn close_paragraph(&mut self) {
        while self
            .stack
            .last()
            .is_some_and(|o| o.el.kind() == Kind::Inline)
        {
            self.pop();
        }
    }

    /// A block edge inside the current container: text after it is a new
    /// paragraph, or on a new line where paragraphs are not made.
    pub(super) fn boundary(&mut self) {
        if self.started {
            self.part = true;
        }
        self.started = false;
        self.clear_space();
        if let Some(top) = self.stack.last_mut() {
            top.wrap = true;
        }
    }

    pub(super) fn push(&mut self, el: El, attrs: &str) {
        let kept = self.kept < MAX_NESTING;
        if kept {
            self.kept += 1;
            self.out.push('<');
            self.out.push_str(el.name());
            self.out.push_str(attrs);
            self.out.push('>');
            if self.wordpress && matches!(el.kind(), Kind::Frame | Kind::Wrapping) && el != El::Tr {
                self.out.push('\n');
            }
        }
        if el.is_block() {
            self.block_edge(kept);
            // Text after a block inside a bare container is a paragraph.
            if let Some(parent) = self.stack.last_mut() {
                parent.wrap = true;
            }
        }
        self.open[el as usize] += 1;
        self.stack.push(Open {
            el,
            kept,
            wrap: false,
        });
    }

    pub(super) fn pop(&mut self) {
        let Some(top) = self.stack.pop() else {
            return;
        };
        self.open[top.el as usize] -= 1;
        if top.kept {
            self.kept -= 1;
            self.out.push_str("</");
            self.out.push_str(top.el.name());
            self.out.push('>');
            if self.wordpress && top.el.is_block() && !matches!(top.el, El::Td | El::Th) {
                self.out.push('\n');
            }
        }
        if top.el.is_block() {
            self.block_edge(top.kept);
        }
    }

    /// A block starts or ends: a written one parts the text by itself, a
    /// dropped one leaves a line break if text comes on both sides.
    pub(super) fn block_edge(&mut self, kept: bool) {
        if kept {
            self.part = false;
        } else if self.started {
            self.part = true;
        }
        self.started = false;
        self.clear_space();
    }
}
