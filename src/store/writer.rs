//! The one writer. Writes queue on a channel; the writer thread takes all
//! that are waiting, runs each in its own savepoint inside one transaction,
//! commits (one fsync for the batch, `synchronous=FULL`), and only then
//! answers each caller. A 2xx therefore always means "on disk".
//! When writes fail because the disk is full or the database is locked, the
//! writer says so once in the log and keeps the [`Trouble`] for `/healthz`
//! until a write succeeds again.

use super::pool::panic_text;
use super::{Conn, StoreError, Trouble, WriteFailure};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Called with the batch's commit result, it answers the waiting caller.
type Finish = Box<dyn FnOnce(Result<(), CommitError>) + Send>;
/// Runs one write in the open transaction (or, when none could be begun,
/// fails it with why), and says how it went.
type Job = Box<dyn FnOnce(Result<&Conn, &CommitError>) -> (Outcome, Finish) + Send>;

/// How one job went, for the writer's own account of the database's health.
enum Outcome {
    Wrote,
    Failed(Option<Trouble>),
}

/// Why a transaction could not be begun or committed, for every job in it.
#[derive(Debug, Clone)]
struct CommitError {
    trouble: Option<Trouble>,
    message: String,
}

impl CommitError {
    fn of(e: &rusqlite::Error) -> CommitError {
        CommitError {
            trouble: Trouble::of(e.sqlite_error_code()),
            message: e.to_string(),
        }
    }

    fn to_store(&self) -> StoreError {
        match self.trouble {
            Some(Trouble::DiskFull) => StoreError::DiskFull(self.message.clone()),
            Some(Trouble::Locked) => StoreError::Locked(self.message.clone()),
            None => StoreError::CommitFailed(self.message.clone()),
        }
    }
}

/// How many queued writes one transaction takes at most.
const MAX_BATCH: usize = 256;

#[derive(Clone)]
pub(super) struct Writer {
    queue: Arc<Mutex<Option<mpsc::Sender<Job>>>>,
    thread: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Writer {
    /// Starts the writer thread; it keeps `trouble` up to date and wakes
    /// `committed` after each batch it commits.
    pub(super) fn start(
        conn: Conn,
        trouble: Arc<Mutex<Option<Trouble>>>,
        committed: Arc<tokio::sync::Notify>,
    ) -> Writer {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("natter-writer".into())
            .spawn(move || run_loop(conn, rx, &trouble, &committed))
            .expect("spawning the writer thread");
        Writer {
            queue: Arc::new(Mutex::new(Some(tx))),
            thread: Arc::new(Mutex::new(Some(thread))),
        }
    }

    fn enqueue<T, E, F>(
        &self,
        f: F,
    ) -> Result<tokio::sync::oneshot::Receiver<Result<T, E>>, StoreError>
    where
        T: Send + 'static,
        E: From<StoreError> + WriteFailure + Send + 'static,
        F: FnOnce(&Conn) -> Result<T, E> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = match conn {
                Ok(conn) => in_savepoint(conn, f),
                Err(e) => Err(E::from(e.to_store())),
            };
            let outcome = match &result {
                Ok(_) => Outcome::Wrote,
                Err(e) => Outcome::Failed(e.trouble()),
            };
            let finish: Finish = Box::new(move |committed| {
                let answer = match committed {
                    Ok(()) => result,
                    Err(e) => Err(E::from(e.to_store())),
                };
                let _ = tx.send(answer);
            });
            (outcome, finish)
        });
        let queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        queue
            .as_ref()
            .ok_or(StoreError::Closed)?
            .send(job)
            .map_err(|_| StoreError::Closed)?;
        Ok(rx)
    }

    pub(super) async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + WriteFailure + Send + 'static,
        F: FnOnce(&Conn) -> Result<T, E> + Send + 'static,
    {
        self.enqueue(f)?.await.map_err(|_| StoreError::Closed)?
    }

    pub(super) fn run_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + WriteFailure + Send + 'static,
        F: FnOnce(&Conn) -> Result<T, E> + Send + 'static,
    {
        self.enqueue(f)?
            .blocking_recv()
            .map_err(|_| StoreError::Closed)?
    }

    /// Closes the queue, lets the thread commit what is queued, and waits for it.
    pub(super) fn stop(&self) {
        self.queue.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(t) = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = t.join();
        }
    }
}

fn run_loop(
    conn: Conn,
    rx: mpsc::Receiver<Job>,
    trouble: &Mutex<Option<Trouble>>,
    wake: &tokio::sync::Notify,
) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = begin(&conn) {
            let failed = CommitError::of(&e);
            tracing::error!(error = %e, problem = failed.trouble.map(Trouble::as_str), failed = batch.len(), "cannot begin a write transaction");
            let mut seen = Health::default();
            for job in batch {
                let (outcome, finish) = job(Err(&failed));
                seen.add(outcome);
                finish(Err(failed.clone()));
            }
            seen.commit_failed(&failed);
            note(trouble, seen);
            continue;
        }
        let mut seen = Health::default();
        let mut finishes: Vec<Finish> = Vec::with_capacity(batch.len());
        for job in batch {
            let (outcome, finish) = job(Ok(&conn));
            seen.add(outcome);
            finishes.push(finish);
        }
        let committed = commit(&conn).map_err(|e| CommitError::of(&e));
        match &committed {
            Err(e) => {
                tracing::error!(error = %e.message, problem = e.trouble.map(Trouble::as_str), "commit failed");
                seen.commit_failed(e);
            }
            Ok(()) if seen.wrote => wake.notify_one(),
            Ok(()) => {}
        }
        for finish in finishes {
            finish(committed.clone());
        }
        note(trouble, seen);
    }
    let _ = conn.0.execute_batch("PRAGMA optimize");
}

/// What one batch showed of the database's health.
#[derive(Default)]
struct Health {
    wrote: bool,
    trouble: Option<Trouble>,
}

impl Health {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Wrote => self.wrote = true,
            Outcome::Failed(t) => self.trouble = self.trouble.or(t),
        }
    }

    fn commit_failed(&mut self, e: &CommitError) {
        self.wrote = false;
        self.trouble = self.trouble.or(e.trouble);
    }
}

/// Keeps the trouble a batch met, or clears it when the batch wrote, and
/// logs each change once.
fn note(state: &Mutex<Option<Trouble>>, seen: Health) {
    let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
    let next = match seen.trouble {
        Some(t) => Some(t),
        None if seen.wrote => None,
        None => *state,
    };
    if next != *state {
        match next {
            Some(t) => tracing::error!(
                problem = t.as_str(),
                "natter cannot save to the database: {}",
                t.as_str()
            ),
            None => tracing::info!("the database takes writes again"),
        }
        *state = next;
    }
}

/// Opens the batch's transaction, taking the write lock at once.
fn begin(conn: &Conn) -> Result<(), rusqlite::Error> {
    conn.0.execute_batch("BEGIN IMMEDIATE")
}

/// Commits the batch; when the commit fails, whatever is left of the
/// transaction is rolled back, so that nothing of the batch is kept.
fn commit(conn: &Conn) -> Result<(), rusqlite::Error> {
    let committed = conn.0.execute_batch("COMMIT");
    if committed.is_err() && !conn.0.is_autocommit() {
        let _ = conn.0.execute_batch("ROLLBACK");
    }
    committed
}

/// Runs one job so that its failure (or panic) undoes only its own writes.
fn in_savepoint<T, E: From<StoreError>>(
    conn: &Conn,
    f: impl FnOnce(&Conn) -> Result<T, E>,
) -> Result<T, E> {
    conn.0
        .execute_batch("SAVEPOINT job")
        .map_err(StoreError::from)?;
    let result = catch_unwind(AssertUnwindSafe(|| f(conn)))
        .unwrap_or_else(|p| Err(E::from(StoreError::Panicked(panic_text(&p)))));
    let end = match &result {
        Ok(_) => "RELEASE job",
        Err(_) => "ROLLBACK TO job; RELEASE job",
    };
    conn.0.execute_batch(end).map_err(StoreError::from)?;
    result
}
