use jukiops_domain::FieldErrors;

/// What can go wrong in storage, in terms the web edge maps to a status and a message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The actor's role may not do this (403).
    #[error("この操作を行う権限がありません。")]
    Forbidden,
    /// No such record (404); the text is the Japanese name of what was looked for.
    #[error("{0}が見つかりません。")]
    NotFound(&'static str),
    /// Bad input, each error naming its field (422).
    #[error("{0}")]
    Invalid(FieldErrors),
    /// Conflicts with the current state or another record (409), naming the field.
    #[error("{message}")]
    Conflict { field: String, message: String },
    /// A unique index refused the row (409), naming the field it protects
    /// ([`crate::constraints`]): a duplicate that passed the checks before it, usually sent
    /// at the same moment. On PostgreSQL the transaction is over: return it, never go on.
    #[error("{message}")]
    Duplicate {
        field: &'static str,
        message: &'static str,
    },
    #[error("{0}")]
    Config(String),
    #[error("database error")]
    Db(#[source] sqlx::Error),
    #[error("migration error")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Self::Conflict {
            field: field.to_string(),
            message: message.into(),
        }
    }
    /// True when the database refused a duplicate key (raced past our own check).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Duplicate { .. })
            || matches!(self, Self::Db(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

/// A duplicate refused by a unique index names the field it protects; any other database
/// error stays one.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e
            && let Some(unique) = crate::constraints::refusal(d.as_ref())
            && let crate::constraints::Guard::Field(field, message) = unique.guard
        {
            return Self::Duplicate { field, message };
        }
        Self::Db(e)
    }
}

impl From<FieldErrors> for StoreError {
    fn from(e: FieldErrors) -> Self {
        Self::Invalid(e)
    }
}
