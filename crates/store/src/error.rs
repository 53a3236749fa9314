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
    #[error("{0}")]
    Config(String),
    #[error("database error")]
    Db(#[from] sqlx::Error),
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
        matches!(self, Self::Db(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

impl From<FieldErrors> for StoreError {
    fn from(e: FieldErrors) -> Self {
        Self::Invalid(e)
    }
}
