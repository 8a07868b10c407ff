//! The one writer. Writes queue on a channel; the writer thread takes all
//! that are waiting, runs each in its own savepoint inside one transaction,
//! commits (one fsync for the batch, `synchronous=FULL`), and only then
//! answers each caller. A 2xx therefore always means "on disk".

use super::pool::panic_text;
use super::{Connection, StoreError};
use rusqlite::TransactionBehavior;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Called with the batch's commit result, it answers the waiting caller.
type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> Finish + Send>;

/// How many queued writes one transaction takes at most.
const MAX_BATCH: usize = 256;

#[derive(Clone)]
pub(super) struct Writer {
    queue: Arc<Mutex<Option<mpsc::Sender<Job>>>>,
    thread: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Writer {
    pub(super) fn start(conn: Connection) -> Writer {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("natter-writer".into())
            .spawn(move || run_loop(conn, rx))
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
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = in_savepoint(conn, f);
            Box::new(move |committed| {
                let answer = match committed {
                    Ok(()) => result,
                    Err(e) => Err(E::from(StoreError::Corrupt(format!("commit failed: {e}")))),
                };
                let _ = tx.send(answer);
            })
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
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        self.enqueue(f)?.await.map_err(|_| StoreError::Closed)?
    }

    pub(super) fn run_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
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

fn run_loop(mut conn: Connection, rx: mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let tx = match begin(&mut conn) {
            Ok(tx) => tx,
            Err(e) => {
                // Dropping the jobs answers their callers with `Closed`.
                tracing::error!(error = %e, dropped = batch.len(), "cannot begin a write transaction");
                continue;
            }
        };
        let finishes: Vec<Finish> = batch.into_iter().map(|job| job(&tx)).collect();
        let committed = tx.commit().map_err(|e| e.to_string());
        if let Err(e) = &committed {
            tracing::error!(error = %e, "commit failed");
        }
        for finish in finishes {
            finish(committed.clone());
        }
    }
    let _ = conn.execute_batch("PRAGMA optimize");
}

fn begin(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>, rusqlite::Error> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
}

/// Runs one job so that its failure (or panic) undoes only its own writes.
fn in_savepoint<T, E: From<StoreError>>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, E>,
) -> Result<T, E> {
    conn.execute_batch("SAVEPOINT job")
        .map_err(StoreError::from)?;
    let result = catch_unwind(AssertUnwindSafe(|| f(conn)))
        .unwrap_or_else(|p| Err(E::from(StoreError::Panicked(panic_text(&p)))));
    let end = match &result {
        Ok(_) => "RELEASE job",
        Err(_) => "ROLLBACK TO job; RELEASE job",
    };
    conn.execute_batch(end).map_err(StoreError::from)?;
    result
}
