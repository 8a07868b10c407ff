//! What an import did, counted as it goes and told as plain lines at the
//! end: threads made and found, comments by status, entries skipped and
//! held by why, with the first lines of the file they came from.

use std::collections::BTreeMap;

/// What an import did, for the person running it.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub threads_created: u64,
    pub threads_existing: u64,
    /// Threads closed in the source, which arrived locked.
    pub threads_locked: u64,
    pub imported: BTreeMap<&'static str, u64>,
    pub skipped: BTreeMap<String, Skipped>,
    /// Comments the source published that arrive held, by why.
    pub held: BTreeMap<String, u64>,
    /// Replies whose parent was not in the file, kept at top level.
    pub orphans: u64,
    /// Replies whose parent was skipped (a pingback, a comment in the
    /// trash), kept at top level.
    pub under_skipped: u64,
    pub notes: Vec<String>,
}

/// How many entries were skipped for one reason, and the first lines.
#[derive(Debug, Default, Clone)]
pub struct Skipped {
    pub count: u64,
    pub lines: Vec<u64>,
}

/// How many lines of skipped entries a summary names per reason.
const LINES_NAMED: usize = 10;

impl Summary {
    pub fn skip(&mut self, reason: impl Into<String>) {
        self.skipped.entry(reason.into()).or_default().count += 1;
    }

    /// Counts an entry skipped because it could not be read, naming its line.
    pub fn skip_at(&mut self, reason: impl Into<String>, line: u64) {
        let entry = self.skipped.entry(reason.into()).or_default();
        entry.count += 1;
        if entry.lines.len() < LINES_NAMED {
            entry.lines.push(line);
        }
    }

    /// Adds another part's counts to this one.
    pub fn absorb(&mut self, part: Summary) {
        self.threads_created += part.threads_created;
        self.threads_existing += part.threads_existing;
        self.threads_locked += part.threads_locked;
        for (k, v) in part.imported {
            *self.imported.entry(k).or_default() += v;
        }
        for (k, v) in part.held {
            *self.held.entry(k).or_default() += v;
        }
        for (k, v) in part.skipped {
            let entry = self.skipped.entry(k).or_default();
            entry.count += v.count;
            let room = LINES_NAMED.saturating_sub(entry.lines.len());
            entry.lines.extend(v.lines.into_iter().take(room));
        }
        self.orphans += part.orphans;
        self.under_skipped += part.under_skipped;
        self.notes.extend(part.notes);
    }

    /// Counts a comment the source published that is kept held.
    pub fn hold(&mut self, reason: impl Into<String>) {
        *self.held.entry(reason.into()).or_default() += 1;
    }

    pub fn total_imported(&self) -> u64 {
        self.imported.values().sum()
    }

    /// The summary as lines of plain text.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "threads: {} new, {} already there",
            self.threads_created, self.threads_existing
        )];
        let by_status: Vec<String> = self
            .imported
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        out.push(format!(
            "comments imported: {}{}",
            self.total_imported(),
            if by_status.is_empty() {
                String::new()
            } else {
                format!(" ({})", by_status.join(", "))
            }
        ));
        if self.threads_locked > 0 {
            out.push(format!(
                "{} threads closed to new comments in the source arrived locked",
                self.threads_locked
            ));
        }
        for (reason, n) in &self.held {
            out.push(format!("held for moderation: {n} {reason}"));
        }
        for (reason, s) in &self.skipped {
            let lines = match s.lines.as_slice() {
                [] => String::new(),
                [one] if s.count == 1 => format!(" (line {one})"),
                many => format!(
                    " (lines {}{})",
                    many.iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    if s.count > many.len() as u64 {
                        ", …"
                    } else {
                        ""
                    }
                ),
            };
            out.push(format!("skipped: {} {reason}{lines}", s.count));
        }
        if self.orphans > 0 {
            out.push(format!(
                "{} replies whose parent is not in the file were kept as top-level comments",
                self.orphans
            ));
        }
        if self.under_skipped > 0 {
            out.push(format!(
                "{} replies to skipped entries (pingbacks, comments in the trash, …) were kept as top-level comments",
                self.under_skipped
            ));
        }
        out.extend(self.notes.iter().cloned());
        out
    }
}
