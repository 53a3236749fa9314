//! Appending a change's entries to the hash-chained audit trail (R8.5): each entry links to
//! the one before; the database checks every link and moves the head (migration 0008).

use jukiops_domain::audit::entry_hash;
use sqlx::{AnyConnection, Row};

use crate::{Engine, StoreError};

/// Audit entries per INSERT statement: 7 binds each stays under every engine's limit.
const APPEND_CHUNK: usize = 500;

/// The message of the database's refusal (both engines' triggers raise it).
const LINK_REFUSED: &str = "an audit entry must follow the head of the chain";

/// An audit entry waiting for the commit, where it is chained.
#[derive(Debug)]
pub(crate) struct PendingEntry {
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub changes: String,
}

/// The last entry of the chain: its seq and hash.
pub(crate) type Head = (i64, String);

/// What one change appends: its entries, their instant and actor.
#[derive(Debug)]
pub(crate) struct Entries<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub pending: &'a [PendingEntry],
}

/// Reads the head and locks it until commit (PostgreSQL: its row; SQLite: the database,
/// against a writer in another process), so that the chain never forks.
pub(crate) async fn lock_head(
    conn: &mut AnyConnection,
    engine: Engine,
) -> Result<Head, StoreError> {
    let head = sqlx::query(match engine {
        Engine::Postgres => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
        Engine::Sqlite => "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash",
    })
    .fetch_one(conn)
    .await?;
    Ok((head.try_get("seq")?, head.try_get("hash")?))
}

/// Chains `entries` after `head` and inserts them, one statement per [`APPEND_CHUNK`];
/// returns the new head. A `head` that is not the real one is refused by the database
/// ([`is_link_refusal`]); on SQLite that undoes the statement only.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    entries: &Entries<'_>,
    head: Head,
) -> Result<Head, StoreError> {
    let (mut seq, mut hash) = head;
    let mut links = Vec::with_capacity(entries.pending.len());
    for e in entries.pending {
        seq += 1;
        let next = entry_hash(
            &hash,
            seq,
            entries.at,
            entries.actor,
            &e.entity,
            &e.entity_id,
            &e.action,
            &e.changes,
        );
        links.push((seq, std::mem::replace(&mut hash, next.clone()), next));
    }
    let rows = entries.pending.chunks(APPEND_CHUNK);
    for (chunk, links) in rows.zip(links.chunks(APPEND_CHUNK)) {
        let mut insert = sqlx::query(crate::sql(insert_sql(chunk.len())))
            .bind(entries.at)
            .bind(entries.actor);
        for (e, (seq, prev, next)) in chunk.iter().zip(links) {
            insert = insert
                .bind(*seq)
                .bind(&e.entity)
                .bind(&e.entity_id)
                .bind(&e.action)
                .bind(&e.changes)
                .bind(prev)
                .bind(next);
        }
        insert.execute(&mut *conn).await?;
    }
    Ok((seq, hash))
}

/// `INSERT ... VALUES` for `n` entries: `$1` the instant, `$2` the actor, then 7 per entry.
fn insert_sql(n: usize) -> String {
    let rows = (0..n)
        .map(|i| {
            let p = |k: usize| 2 + i * 7 + k;
            format!(
                "(${}, $1, $2, ${}, ${}, ${}, ${}, ${}, ${})",
                p(1),
                p(2),
                p(3),
                p(4),
                p(5),
                p(6),
                p(7)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO audit_entries (seq, at, actor, entity, entity_id, action, changes, prev_hash, hash) VALUES {rows}"
    )
}

/// Before appending after a guess, outside the turn to append: an error ends a PostgreSQL
/// transaction unless it can roll back to a savepoint, which [`append_after`] does when the
/// guess is refused. SQLite undoes only the refused statement and needs none.
pub(crate) async fn prepare_guess(
    conn: &mut AnyConnection,
    engine: Engine,
) -> Result<(), StoreError> {
    if engine == Engine::Postgres {
        sqlx::query("SAVEPOINT audit_append").execute(conn).await?;
    }
    Ok(())
}

/// Appends `entries` after `guess`, where this process last left the head, or, without a
/// guess or when the database refuses it (another process appended since), after the head
/// read and locked now. A guess needs [`prepare_guess`] first.
pub(crate) async fn append_after(
    conn: &mut AnyConnection,
    engine: Engine,
    entries: &Entries<'_>,
    guess: Option<Head>,
) -> Result<Head, StoreError> {
    if let Some(head) = guess {
        match append(conn, entries, head).await {
            Err(e) if is_link_refusal(&e) => {
                if engine == Engine::Postgres {
                    sqlx::query("ROLLBACK TO SAVEPOINT audit_append")
                        .execute(&mut *conn)
                        .await?;
                }
            }
            other => return other,
        }
    }
    let head = lock_head(conn, engine).await?;
    append(conn, entries, head).await
}

/// Whether the database refused entries that do not follow its head: the link check, or,
/// on PostgreSQL (whose check runs after the statement's rows went in), the seq already
/// taken by an entry another process appended.
pub(crate) fn is_link_refusal(e: &StoreError) -> bool {
    let StoreError::Db(sqlx::Error::Database(d)) = e else {
        return false;
    };
    let m = d.message();
    m.contains(LINK_REFUSED)
        || m.contains("\"audit_entries_pkey\"")
        || m.contains("UNIQUE constraint failed: audit_entries.seq")
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_every_bind_once() {
        let sql = super::insert_sql(2);
        assert!(sql.ends_with(
            "VALUES ($3, $1, $2, $4, $5, $6, $7, $8, $9), ($10, $1, $2, $11, $12, $13, $14, $15, $16)"
        ));
    }
}
