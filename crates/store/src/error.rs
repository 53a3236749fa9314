use jukiops_domain::FieldErrors;
use jukiops_domain::audit::Entity;
use jukiops_domain::people::Forbidden;
use jukiops_domain::rules::{BUSY, Refusal, TransitionError, throttled_message};
use jukiops_domain::vocab::DecodeError;

/// What can go wrong in storage, in terms the web edge maps to a status and a message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The actor's role may not do this (403).
    #[error("{}", Forbidden)]
    Forbidden,
    /// The actor's role may not make this change (403), with the reason in Japanese.
    #[error("{0}")]
    Refused(String),
    /// No such record (404).
    #[error("{}", .0.not_found())]
    NotFound(Entity),
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
    /// A stored code that names nothing (the database was edited outside jukiops).
    #[error("stored data could not be read: {0}")]
    Decode(#[from] DecodeError),
    /// A record of a contract year was read or written through a store not scoped to one
    /// (a bug: every operation runs in the context of one contract).
    #[error("no contract year in force")]
    Unscoped,
    /// Too many attempts of a guarded check (a password) lately: retry after `seconds` (429).
    #[error("{}", throttled_message(*.seconds))]
    Throttled { seconds: u64 },
    /// Too much of a bounded kind of work is waiting: retry in a moment (503).
    #[error("{}", BUSY)]
    Busy,
    /// Work that failed for no fault of the input (a task that panicked): 500, logged.
    #[error("internal failure: {0}")]
    Internal(String),
    /// A change tried to commit without an audit entry: refused, nothing written.
    #[error("a change must leave an audit entry")]
    Unaudited,
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

impl From<Forbidden> for StoreError {
    fn from(_: Forbidden) -> Self {
        Self::Forbidden
    }
}

/// A refused state change conflicts with the record's status, or is forbidden to the role.
impl From<TransitionError> for StoreError {
    fn from(e: TransitionError) -> Self {
        Refusal::from(e).into()
    }
}

impl From<Refusal> for StoreError {
    fn from(e: Refusal) -> Self {
        match e {
            Refusal::Invalid(errors) => Self::Invalid(errors),
            Refusal::Conflict { field, message } => Self::Conflict { field, message },
            Refusal::Forbidden(message) => Self::Refused(message),
        }
    }
}

impl From<FieldErrors> for StoreError {
    fn from(e: FieldErrors) -> Self {
        Self::Invalid(e)
    }
}
