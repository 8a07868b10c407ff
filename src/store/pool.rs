//! A small pool of read-only connections, used from `spawn_blocking`.

use super::{Conn, StoreError};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

#[derive(Clone)]
pub(super) struct ReadPool {
    idle: Arc<Mutex<Vec<Conn>>>,
    permits: Arc<Semaphore>,
}

impl ReadPool {
    pub(super) fn open(path: &Path, size: usize) -> Result<Self, StoreError> {
        let mut conns = Vec::with_capacity(size);
        for _ in 0..size {
            conns.push(Conn::open_reader(path)?);
        }
        Ok(ReadPool {
            idle: Arc::new(Mutex::new(conns)),
            permits: Arc::new(Semaphore::new(size)),
        })
    }

    pub(super) async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Conn) -> Result<T, StoreError> + Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Closed)?;
        let idle = self.idle.clone();
        tokio::task::spawn_blocking(move || {
            let conn = idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop()
                .ok_or(StoreError::Closed)?;
            let result = catch_unwind(AssertUnwindSafe(|| f(&conn)));
            idle.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
            drop(permit);
            result.unwrap_or_else(|p| Err(StoreError::Panicked(panic_text(&p))))
        })
        .await
        .map_err(|e| StoreError::Panicked(e.to_string()))?
    }
}

pub(super) fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
