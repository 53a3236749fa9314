//! What a migrated database holds, read from its own catalogs, and the test that the two
//! engines' hand-written migrations (`migrations/sqlite`, `migrations/postgres`) agree
//! (issue 10, item 7): the same tables; per table the same columns (type class, NOT NULL,
//! assigned by the database or not) and primary key; the same indexes (by table, columns
//! and uniqueness: names may differ); the same triggers (by table and the statements they
//! fire on: PostgreSQL's one trigger may guard what SQLite guards with two). What differs
//! on purpose is listed in [`DELIBERATE`], and nowhere else. Test-only.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

use sqlx::{AnyPool, Row};

use crate::{Engine, Store};

/// What one engine leaves out of the comparison.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Aside {
    /// A table, with its columns, indexes and triggers.
    Table(&'static str),
    /// A trigger: (table, name).
    Trigger(&'static str, &'static str),
    /// Triggers firing on a statement only this engine has.
    Event(&'static str),
}

/// A difference between the engines' schemas made on purpose.
#[derive(Debug)]
pub(crate) struct Deliberate {
    /// The engine that has it; `None`: both have it, each its own way.
    pub engine: Option<Engine>,
    pub aside: Aside,
    pub reason: &'static str,
}

/// Every deliberate difference between the engines' schemas, each with its reason.
pub(crate) const DELIBERATE: &[Deliberate] = &[
    Deliberate {
        engine: None,
        aside: Aside::Table("_sqlx_migrations"),
        reason: "sqlx's own record of the applied migrations, created by each driver in its own types",
    },
    Deliberate {
        engine: Some(Engine::Sqlite),
        aside: Aside::Table("sqlite_sequence"),
        reason: "SQLite's bookkeeping of AUTOINCREMENT ids; PostgreSQL keeps identity sequences outside any table",
    },
    Deliberate {
        engine: Some(Engine::Postgres),
        aside: Aside::Trigger("audit_entries", "audit_entries_lock_head"),
        reason: "migration 0009: PostgreSQL appenders lock the audit head before their keys (two app servers deadlocked); \
                 SQLite's single writer already serialises appenders",
    },
    Deliberate {
        engine: Some(Engine::Postgres),
        aside: Aside::Event("TRUNCATE"),
        reason: "SQLite has no TRUNCATE: its DELETE triggers already refuse a delete of every row",
    },
];

/// A column as the comparison sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub name: String,
    /// `integer`, `real`, `text` or `blob`; another type keeps its own name.
    pub class: String,
    pub not_null: bool,
    /// The database assigns it (SQLite AUTOINCREMENT, PostgreSQL identity or serial).
    pub generated: bool,
}

/// An index, the primary key's included where the engine keeps one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Index {
    pub table: String,
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub primary: bool,
    pub partial: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Trigger {
    pub table: String,
    pub name: String,
    /// INSERT, UPDATE, DELETE or TRUNCATE.
    pub events: Vec<String>,
}

/// A migrated database's schema, read from its catalogs.
#[derive(Debug)]
pub(crate) struct Catalog {
    pub engine: Engine,
    /// Each table's columns, in their order.
    pub tables: BTreeMap<String, Vec<Column>>,
    /// Each table's primary key columns, in key order (empty: none).
    pub primary_keys: BTreeMap<String, Vec<String>>,
    pub indexes: Vec<Index>,
    pub triggers: Vec<Trigger>,
}

/// One comparable statement about a schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Fact {
    Table(String),
    Column {
        table: String,
        column: String,
        class: String,
        not_null: bool,
        generated: bool,
    },
    PrimaryKey {
        table: String,
        columns: Vec<String>,
    },
    Index {
        table: String,
        columns: Vec<String>,
        unique: bool,
        partial: bool,
    },
    /// How many triggers of the table fire on the event.
    Triggers {
        table: String,
        event: String,
        count: usize,
    },
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fact::Table(t) => write!(f, "table {t}"),
            Fact::Column {
                table,
                column,
                class,
                not_null,
                generated,
            } => write!(
                f,
                "column {table}.{column} {class}{}{}",
                if *not_null { " NOT NULL" } else { " NULL" },
                if *generated { " GENERATED" } else { "" }
            ),
            Fact::PrimaryKey { table, columns } => {
                write!(f, "primary key {table}({})", columns.join(", "))
            }
            Fact::Index {
                table,
                columns,
                unique,
                partial,
            } => write!(
                f,
                "{}index on {table}({}){}",
                if *unique { "unique " } else { "" },
                columns.join(", "),
                if *partial { " WHERE ..." } else { "" }
            ),
            Fact::Triggers {
                table,
                event,
                count,
            } => write!(f, "{count} trigger(s) on {event} of {table}"),
        }
    }
}

impl Catalog {
    /// The schema as comparable facts, without what [`DELIBERATE`] sets aside for this
    /// engine; also the indexes of the entries that set something aside.
    pub(crate) fn facts(&self) -> (BTreeSet<Fact>, BTreeSet<usize>) {
        let mut used = BTreeSet::new();
        let mut aside = |matches: &dyn Fn(&Aside) -> bool| {
            let mut hit = false;
            for (i, d) in DELIBERATE.iter().enumerate() {
                if d.engine.is_none_or(|e| e == self.engine) && matches(&d.aside) {
                    used.insert(i);
                    hit = true;
                }
            }
            hit
        };
        let mut facts = BTreeSet::new();
        let mut kept = BTreeSet::new();
        for (table, columns) in &self.tables {
            if aside(&|a| matches!(a, Aside::Table(t) if t == table)) {
                continue;
            }
            kept.insert(table.clone());
            facts.insert(Fact::Table(table.clone()));
            for c in columns {
                facts.insert(Fact::Column {
                    table: table.clone(),
                    column: c.name.clone(),
                    class: c.class.clone(),
                    not_null: c.not_null,
                    generated: c.generated,
                });
            }
            let key = self.primary_keys.get(table).cloned().unwrap_or_default();
            if !key.is_empty() {
                facts.insert(Fact::PrimaryKey {
                    table: table.clone(),
                    columns: key,
                });
            }
        }
        for i in &self.indexes {
            if i.primary || !kept.contains(&i.table) {
                continue; // the primary key is compared as such
            }
            facts.insert(Fact::Index {
                table: i.table.clone(),
                columns: i.columns.clone(),
                unique: i.unique,
                partial: i.partial,
            });
        }
        let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
        for t in &self.triggers {
            if !kept.contains(&t.table)
                || aside(&|a| matches!(a, Aside::Trigger(tb, n) if *tb == t.table && *n == t.name))
            {
                continue;
            }
            for event in &t.events {
                if aside(&|a| matches!(a, Aside::Event(e) if e == event)) {
                    continue;
                }
                *counts.entry((t.table.clone(), event.clone())).or_default() += 1;
            }
        }
        for ((table, event), count) in counts {
            facts.insert(Fact::Triggers {
                table,
                event,
                count,
            });
        }
        (facts, used)
    }

    /// The unique indexes a person's input can collide with: every unique index and
    /// primary key but a single column the database assigns.
    pub(crate) fn unique_keys(&self) -> Vec<Index> {
        let mut keys: Vec<Index> = self.indexes.iter().filter(|i| i.unique).cloned().collect();
        // SQLite keeps an INTEGER PRIMARY KEY as the rowid, without an index of its own.
        for (table, columns) in &self.primary_keys {
            if !columns.is_empty() && !keys.iter().any(|i| i.primary && i.table == *table) {
                keys.push(Index {
                    table: table.clone(),
                    name: String::new(),
                    columns: columns.clone(),
                    unique: true,
                    primary: true,
                    partial: false,
                });
            }
        }
        keys.retain(|i| {
            let generated = match i.columns.as_slice() {
                [only] => self
                    .tables
                    .get(&i.table)
                    .is_some_and(|cs| cs.iter().any(|c| c.name == *only && c.generated)),
                _ => false,
            };
            !generated && !is_set_aside(self.engine, &i.table)
        });
        keys
    }
}

/// Whether [`DELIBERATE`] leaves `table` out on `engine`.
fn is_set_aside(engine: Engine, table: &str) -> bool {
    DELIBERATE.iter().any(|d| {
        d.engine.is_none_or(|e| e == engine) && matches!(d.aside, Aside::Table(t) if t == table)
    })
}

/// Reads the schema of `store`'s database from its catalogs.
pub(crate) async fn read(store: &Store) -> Result<Catalog, sqlx::Error> {
    match store.engine() {
        Engine::Sqlite => read_sqlite(store.pool()).await,
        Engine::Postgres => read_postgres(store.pool()).await,
    }
}

/// SQLite's class of a declared type, by its affinity rules.
fn sqlite_class(declared: &str) -> String {
    let t = declared.to_ascii_uppercase();
    let class = if t.contains("INT") {
        "integer"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "text"
    } else if t.is_empty() || t.contains("BLOB") {
        "blob"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "real"
    } else {
        return format!("numeric {declared}");
    };
    class.to_string()
}

/// The class of a PostgreSQL `information_schema` data type.
fn postgres_class(data_type: &str) -> String {
    match data_type {
        "bigint" | "integer" | "smallint" => "integer",
        "text" | "character varying" | "character" => "text",
        "double precision" | "real" => "real",
        "bytea" => "blob",
        other => other,
    }
    .to_string()
}

async fn read_sqlite(pool: &AnyPool) -> Result<Catalog, sqlx::Error> {
    let mut c = Catalog {
        engine: Engine::Sqlite,
        tables: BTreeMap::new(),
        primary_keys: BTreeMap::new(),
        indexes: Vec::new(),
        triggers: Vec::new(),
    };
    let tables = sqlx::query("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        .fetch_all(pool)
        .await?;
    for t in &tables {
        let table: String = t.try_get("name")?;
        let sql: String = t.try_get("sql")?;
        let autoincrement = sql.to_ascii_uppercase().contains("AUTOINCREMENT");
        let rows = sqlx::query(
            "SELECT name, type, \"notnull\" AS not_null, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&table)
        .fetch_all(pool)
        .await?;
        let mut key: Vec<(i64, String)> = Vec::new();
        let mut columns = Vec::new();
        for r in &rows {
            let name: String = r.try_get("name")?;
            let pk: i64 = r.try_get("pk")?;
            if pk > 0 {
                key.push((pk, name.clone()));
            }
            columns.push((
                name,
                r.try_get::<String, _>("type")?,
                r.try_get::<i64, _>("not_null")? != 0,
            ));
        }
        key.sort();
        // A single INTEGER PRIMARY KEY is the rowid: never NULL, assigned when not given,
        // and with AUTOINCREMENT never reused.
        let rowid = match key.as_slice() {
            [(_, k)] => columns
                .iter()
                .any(|(n, ty, _)| n == k && ty.eq_ignore_ascii_case("INTEGER"))
                .then(|| k.clone()),
            _ => None,
        };
        let columns = columns
            .into_iter()
            .map(|(name, ty, not_null)| {
                let is_rowid = rowid.as_deref() == Some(name.as_str());
                Column {
                    class: sqlite_class(&ty),
                    not_null: not_null || is_rowid,
                    generated: is_rowid && autoincrement,
                    name,
                }
            })
            .collect();
        c.tables.insert(table.clone(), columns);
        c.primary_keys
            .insert(table.clone(), key.into_iter().map(|(_, n)| n).collect());
        let list = sqlx::query(
            "SELECT name, \"unique\" AS uniq, origin, partial FROM pragma_index_list($1)",
        )
        .bind(&table)
        .fetch_all(pool)
        .await?;
        for i in &list {
            let name: String = i.try_get("name")?;
            let columns = sqlx::query("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                .bind(&name)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    let n: Option<String> = r.try_get("name")?;
                    Ok(n.unwrap_or_else(|| "<expression>".into()))
                })
                .collect::<Result<_, sqlx::Error>>()?;
            c.indexes.push(Index {
                table: table.clone(),
                name,
                columns,
                unique: i.try_get::<i64, _>("uniq")? != 0,
                primary: i.try_get::<String, _>("origin")? == "pk",
                partial: i.try_get::<i64, _>("partial")? != 0,
            });
        }
    }
    let triggers =
        sqlx::query("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            .fetch_all(pool)
            .await?;
    for t in &triggers {
        let sql: String = t.try_get("sql")?;
        // CREATE TRIGGER name [BEFORE|AFTER|INSTEAD OF] {INSERT|UPDATE [OF ...]|DELETE} ON table
        let events = sql
            .split_whitespace()
            .map(str::to_ascii_uppercase)
            .take_while(|w| w != "ON")
            .filter(|w| matches!(w.as_str(), "INSERT" | "UPDATE" | "DELETE"))
            .collect();
        c.triggers.push(Trigger {
            table: t.try_get("tbl_name")?,
            name: t.try_get("name")?,
            events,
        });
    }
    Ok(c)
}

async fn read_postgres(pool: &AnyPool) -> Result<Catalog, sqlx::Error> {
    let mut c = Catalog {
        engine: Engine::Postgres,
        tables: BTreeMap::new(),
        primary_keys: BTreeMap::new(),
        indexes: Vec::new(),
        triggers: Vec::new(),
    };
    let tables = sqlx::query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )
    .fetch_all(pool)
    .await?;
    for t in &tables {
        let name: String = t.try_get("name")?;
        c.tables.insert(name.clone(), Vec::new());
        c.primary_keys.insert(name, Vec::new());
    }
    let columns = sqlx::query(
        "SELECT table_name::text AS tbl, column_name::text AS name, data_type::text AS ty, \
         is_nullable = 'NO' AS not_null, \
         (is_identity = 'YES' OR coalesce(column_default, '') LIKE 'nextval(%') AS generated \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(pool)
    .await?;
    for r in &columns {
        let table: String = r.try_get("tbl")?;
        let Some(list) = c.tables.get_mut(&table) else {
            continue; // a view's columns
        };
        list.push(Column {
            name: r.try_get("name")?,
            class: postgres_class(&r.try_get::<String, _>("ty")?),
            not_null: r.try_get("not_null")?,
            generated: r.try_get("generated")?,
        });
    }
    let indexes = sqlx::query(
        "SELECT t.relname::text AS tbl, i.relname::text AS name, x.indisunique AS uniq, \
         x.indisprimary AS prim, x.indpred IS NOT NULL AS partial, \
         (SELECT string_agg(coalesce(a.attname::text, '<expression>'), ',' ORDER BY k.n) \
            FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) \
            LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols \
         FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema()",
    )
    .fetch_all(pool)
    .await?;
    for r in &indexes {
        let table: String = r.try_get("tbl")?;
        let columns: Vec<String> = r
            .try_get::<String, _>("cols")?
            .split(',')
            .map(String::from)
            .collect();
        let primary: bool = r.try_get("prim")?;
        if primary {
            c.primary_keys.insert(table.clone(), columns.clone());
        }
        c.indexes.push(Index {
            table,
            name: r.try_get("name")?,
            columns,
            unique: r.try_get("uniq")?,
            primary,
            partial: r.try_get("partial")?,
        });
    }
    let triggers = sqlx::query(
        "SELECT c.relname::text AS tbl, t.tgname::text AS name, t.tgtype::bigint AS kind \
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND NOT t.tgisinternal",
    )
    .fetch_all(pool)
    .await?;
    for r in &triggers {
        let kind: i64 = r.try_get("kind")?;
        // pg_trigger.tgtype: 4 INSERT, 8 DELETE, 16 UPDATE, 32 TRUNCATE.
        let events = [
            (4, "INSERT"),
            (8, "DELETE"),
            (16, "UPDATE"),
            (32, "TRUNCATE"),
        ]
        .iter()
        .filter(|(bit, _)| kind & bit != 0)
        .map(|(_, e)| e.to_string())
        .collect();
        c.triggers.push(Trigger {
            table: r.try_get("tbl")?,
            name: r.try_get("name")?,
            events,
        });
    }
    Ok(c)
}

/// The PostgreSQL server of the tests (trust auth on the project's machines).
fn pg_base() -> String {
    std::env::var("JUKIOPS_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A fresh, migrated database of one engine, removed when dropped: a temporary SQLite
/// file, or a uniquely named database on the PostgreSQL server (which must be reachable:
/// the test fails, never skips, without it).
#[derive(Debug)]
pub(crate) struct TestDb {
    pub store: Store,
    pg_name: Option<String>,
    dir: Option<PathBuf>,
}

impl TestDb {
    pub(crate) async fn migrated(engine: Engine) -> TestDb {
        let unique = format!(
            "jukiops_schema_{}_{:016x}",
            std::process::id(),
            rand::random::<u64>()
        );
        let (url, pg_name, dir) = match engine {
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join(&unique);
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}", dir.join("schema.db").display());
                (url, None, Some(dir))
            }
            Engine::Postgres => {
                let admin = Store::connect(&format!("{}/postgres", pg_base()), 1)
                    .await
                    .expect("PostgreSQL must be reachable at 127.0.0.1:5432 (set JUKIOPS_TEST_PG to another server)");
                sqlx::query(crate::sql(format!("CREATE DATABASE {unique}")))
                    .execute(admin.pool())
                    .await
                    .expect("create test database");
                admin.close().await;
                (format!("{}/{unique}", pg_base()), Some(unique), None)
            }
        };
        let store = Store::connect(&url, 2).await.expect("connect");
        store.migrate().await.expect("migrate");
        TestDb {
            store,
            pg_name,
            dir,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop cannot await: a short-lived runtime on its own thread removes the database.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(admin) = Store::connect(&format!("{}/postgres", pg_base()), 1).await {
                    let _ = sqlx::query(crate::sql(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(admin.pool())
                    .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

/// Both engines' catalogs, each read from a freshly migrated database.
pub(crate) async fn both_catalogs() -> (Catalog, Catalog) {
    let sqlite = TestDb::migrated(Engine::Sqlite).await;
    let postgres = TestDb::migrated(Engine::Postgres).await;
    let a = read(&sqlite.store).await.expect("read the SQLite catalog");
    let b = read(&postgres.store)
        .await
        .expect("read the PostgreSQL catalog");
    sqlite.store.close().await;
    postgres.store.close().await;
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(facts: &[&Fact]) -> String {
        if facts.is_empty() {
            return "  (none)".into();
        }
        facts
            .iter()
            .map(|f| format!("  {f}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn both_engines_migrate_to_the_same_schema() {
        let (sqlite, postgres) = both_catalogs().await;
        let (a, used_a) = sqlite.facts();
        let (b, used_b) = postgres.facts();
        // The reader saw the schema at all: a known table, column, key, index and trigger.
        for facts in [&a, &b] {
            for known in [
                Fact::Table("terminals".into()),
                Fact::Column {
                    table: "terminals".into(),
                    column: "serial".into(),
                    class: "text".into(),
                    not_null: true,
                    generated: false,
                },
                Fact::PrimaryKey {
                    table: "visit_workers".into(),
                    columns: vec!["visit_id".into(), "user_id".into()],
                },
                Fact::Index {
                    table: "terminals".into(),
                    columns: vec!["serial".into()],
                    unique: true,
                    partial: false,
                },
                Fact::Triggers {
                    table: "audit_head".into(),
                    event: "UPDATE".into(),
                    count: 1,
                },
            ] {
                assert!(facts.contains(&known), "the catalog reader missed {known}");
            }
        }
        let only_sqlite: Vec<&Fact> = a.difference(&b).collect();
        let only_postgres: Vec<&Fact> = b.difference(&a).collect();
        assert!(
            only_sqlite.is_empty() && only_postgres.is_empty(),
            "the engines' migrations disagree: add the missing migration to the other engine, \
             or list the difference in schema::DELIBERATE with its reason.\n\
             Only on SQLite:\n{}\nOnly on PostgreSQL:\n{}\nSet aside on purpose:\n{}",
            list(&only_sqlite),
            list(&only_postgres),
            DELIBERATE
                .iter()
                .map(|d| format!("  {:?} {:?}: {}", d.engine, d.aside, d.reason))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        let stale: Vec<&Deliberate> = DELIBERATE
            .iter()
            .enumerate()
            .filter(|(i, _)| !used_a.contains(i) && !used_b.contains(i))
            .map(|(_, d)| d)
            .collect();
        assert!(
            stale.is_empty(),
            "schema::DELIBERATE lists differences no longer there: {stale:?}"
        );
    }

    #[test]
    fn type_classes() {
        for (declared, class) in [
            ("INTEGER", "integer"),
            ("BIGINT", "integer"),
            ("TEXT", "text"),
            ("VARCHAR(20)", "text"),
            ("REAL", "real"),
            ("DOUBLE PRECISION", "real"),
            ("BLOB", "blob"),
        ] {
            assert_eq!(sqlite_class(declared), class, "{declared}");
        }
        for (data_type, class) in [
            ("bigint", "integer"),
            ("integer", "integer"),
            ("text", "text"),
            ("character varying", "text"),
            ("double precision", "real"),
            ("real", "real"),
            ("bytea", "blob"),
        ] {
            assert_eq!(postgres_class(data_type), class, "{data_type}");
        }
    }
}
