//! Where writes go. SQLite has one writer at a time: this process keeps one connection for
//! writing and hands it out in turn (first come, first served), so that no writer polls the
//! file lock with `busy_timeout` back-off, the writer's page cache stays warm (another
//! connection's commit would empty it), and WAL checkpoints, the only `fsync` under
//! `synchronous = NORMAL`, run in the background instead of inside somebody's commit.
//! PostgreSQL writes share the one pool.

use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::{Any, AnyPool, Executor, Row, Transaction};

use crate::Engine;
use crate::chain::Head;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// How often the background task folds the SQLite WAL back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// WAL frames (pages) past which the checkpoint is finished inside the turn to write. Under
/// a steady stream of writes a checkpoint beside them never catches up with the last frame,
/// and SQLite starts the WAL over only after one has: it grew by gigabytes in the benchmark,
/// and every read and write slowed with it. Finishing holds writers for a few milliseconds
/// (two fsyncs), so it waits for 16,384 pages of 4 KiB, 64 MiB: at the benchmark's 1,800
/// creates a second (about 17 pages each) that is twice a second; at the City's pace, never
/// (the WAL starts over in any pause of a quarter second).
const FINISH_AT_FRAMES: i64 = 16_384;

#[derive(Debug, Clone)]
pub(crate) struct Writer {
    pool: AnyPool,
    engine: Engine,
    /// SQLite only: whose turn it is to write.
    turn: Option<Arc<Mutex<()>>>,
    /// PostgreSQL only: whose turn it is to append to the audit chain. The head row's lock
    /// already serialises appends across app servers; queueing this process's appenders
    /// here keeps them from piling up as sleeping backends on that row lock, each woken in
    /// turn by the lock manager.
    append: Option<Arc<Mutex<()>>>,
    /// The head of the audit chain as this process last left it, while its turn to append
    /// is held; `None` when unknown (at start, after a failed commit).
    head: Arc<std::sync::Mutex<Option<Head>>>,
}

/// The right to write until dropped (SQLite); nothing to hold on PostgreSQL.
pub(crate) type Turn = Option<OwnedMutexGuard<()>>;

impl Writer {
    /// PostgreSQL: writes go through the shared pool, rows and the audit head lock them.
    pub(crate) fn shared(pool: AnyPool) -> Writer {
        Writer {
            pool,
            engine: Engine::Postgres,
            turn: None,
            append: Some(Arc::new(Mutex::new(()))),
            head: Arc::default(),
        }
    }

    /// SQLite: `pool` holds the one writing connection, opened with `wal_autocheckpoint = 0`;
    /// checkpoints run every [`CHECKPOINT_EVERY`] on a connection of `readers` while `owner`
    /// (the store) lives.
    pub(crate) fn single(pool: AnyPool, readers: AnyPool, owner: Weak<()>) -> Writer {
        Self::single_finishing_at(pool, readers, owner, FINISH_AT_FRAMES)
    }

    /// [`Writer::single`], finishing checkpoints past `finish_at` WAL frames.
    fn single_finishing_at(
        pool: AnyPool,
        readers: AnyPool,
        owner: Weak<()>,
        finish_at: i64,
    ) -> Writer {
        let turn = Arc::new(Mutex::new(()));
        tokio::spawn(checkpoint_while_alive(
            readers,
            turn.clone(),
            owner,
            finish_at,
        ));
        Writer {
            pool,
            engine: Engine::Sqlite,
            turn: Some(turn),
            append: None,
            head: Arc::default(),
        }
    }

    /// Waits for this process's turn to write (SQLite).
    pub(crate) async fn turn(&self) -> Turn {
        wait_for(&self.turn).await
    }

    /// Waits for this process's turn to append to the audit chain (PostgreSQL; on SQLite the
    /// turn to write covers it).
    pub(crate) async fn append_turn(&self) -> Turn {
        wait_for(&self.append).await
    }

    /// Begins a writing transaction. SQLite takes the write lock at once (waiting for a writer
    /// in another process, such as the CLI, up to `busy_timeout`): a transaction that read
    /// first could not take it after that writer's commit and would fail as locked.
    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => self.pool.begin().await,
        }
    }

    /// Whether this process has appended before (read outside the turn: a hint only).
    pub(crate) fn has_guess(&self) -> bool {
        self.head.lock().is_ok_and(|h| h.is_some())
    }

    /// Where this process left the head; read it while holding the turn to append.
    pub(crate) fn head_guess(&self) -> Option<Head> {
        self.head.lock().ok().and_then(|h| h.clone())
    }

    /// Records where this process's append left the head (`None`: unknown).
    pub(crate) fn set_guess(&self, head: Option<Head>) {
        if let Ok(mut h) = self.head.lock() {
            *h = head;
        }
    }

    pub(crate) fn engine(&self) -> Engine {
        self.engine
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Waits for `lock` when there is one.
async fn wait_for(lock: &Option<Arc<Mutex<()>>>) -> Turn {
    match lock {
        Some(lock) => Some(lock.clone().lock_owned().await),
        None => None,
    }
}

/// A passive checkpoint never blocks readers or the writer. When the WAL has grown past
/// `finish_at` frames, the frames written meanwhile are copied with writers held off for
/// that moment, so that the next write starts the WAL over. Stops when the store is gone or
/// its pool closed.
async fn checkpoint_while_alive(
    readers: AnyPool,
    turn: Arc<Mutex<()>>,
    owner: Weak<()>,
    finish_at: i64,
) {
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        if owner.strong_count() == 0 || readers.is_closed() {
            return;
        }
        // Finished only when this pass copied every frame it found: a long read (an export,
        // an audit verify) holding an older snapshot would stop the second pass short too.
        let finished = match checkpoint(&readers).await {
            Ok((frames, copied)) if frames >= finish_at && copied == frames => {
                finish(&readers, &turn).await
            }
            other => other.map(|_| ()),
        };
        if let Err(e) = finished {
            if readers.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "WAL checkpoint failed; retrying later");
        }
    }
}

/// Runs a passive checkpoint; returns the frames in the WAL and those copied to the
/// database file (both -1 when the database is not in WAL mode).
async fn checkpoint(conn: impl Executor<'_, Database = Any>) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(conn)
        .await?;
    Ok((row.try_get(1)?, row.try_get(2)?))
}

/// Copies the frames left with writers held off; the connection is taken first, so that the
/// turn is not held while waiting for one.
async fn finish(readers: &AnyPool, turn: &Mutex<()>) -> Result<(), sqlx::Error> {
    let mut conn = readers.acquire().await?;
    let _turn = turn.lock().await;
    checkpoint(&mut *conn).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::{Writer, checkpoint};

    /// Writes with no pause for two seconds: a WAL that never started over would hold at
    /// least one frame per commit; finished every tick, it holds a fraction of them.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn steady_writes_start_the_wal_over() {
        sqlx::any::install_default_drivers();
        let dir = std::env::temp_dir().join(format!("jukiops-wal-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).expect("dir");
        let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
        const WRITER: &[&str] = &[crate::SQLITE_PRAGMAS, crate::SQLITE_WRITER_PRAGMAS];
        let writes = crate::sqlite_pool(1, WRITER)
            .connect(&url)
            .await
            .expect("writer");
        let reads = crate::sqlite_pool(2, &[crate::SQLITE_PRAGMAS])
            .connect(&url)
            .await
            .expect("readers");
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .execute(&writes)
            .await
            .expect("table");
        let alive = Arc::new(());
        let writer = Writer::single_finishing_at(writes, reads.clone(), Arc::downgrade(&alive), 64);
        let mut commits = 0i64;
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(2) {
            let _turn = writer.turn().await;
            let mut tx = writer.begin().await.expect("begin");
            sqlx::query("INSERT INTO t (v) VALUES ('row')")
                .execute(&mut *tx)
                .await
                .expect("insert");
            tx.commit().await.expect("commit");
            commits += 1;
        }
        let (frames, _) = checkpoint(&reads).await.expect("checkpoint");
        drop(alive);
        reads.close().await;
        writer.pool().close().await;
        let _ = std::fs::remove_dir_all(&dir);
        assert!(commits > 200, "{commits} commits");
        assert!(
            frames * 2 < commits,
            "the WAL holds {frames} frames after {commits} commits: it never started over"
        );
    }
}
