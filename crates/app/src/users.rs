//! User administration: the accounts, their roles, disabling and password resets by the
//! administrator (every change audited, never a password).

use jukiops_domain::Checked;
use jukiops_domain::people::{Action, Actor, NewUserDraft, UserUpdateDraft};
use jukiops_store::{NewUser, Page, PageRequest, User, UserPatch, password};

use crate::{App, Result};

impl App {
    /// A page of accounts, those locked by failed sign-ins marked.
    pub async fn users(&self, who: &Actor, page: PageRequest) -> Result<Page<User>> {
        who.authorize(Action::ViewUsers)?;
        let policy = &self.accounts;
        self.store
            .users(
                page,
                policy.throttle_window,
                policy.max_failures_per_account,
            )
            .await
    }

    /// Unlocks account `id` (an administrator, audited): its failed sign-ins are forgotten
    /// and it may sign in at once.
    pub async fn unlock_user(&self, who: &Actor, id: i64) -> Result<()> {
        let who = who.authorize(Action::ManageUsers)?;
        self.store.unlock_account(&who, id).await
    }

    /// The account with login name `username`, if any.
    pub async fn user_by_name(&self, who: &Actor, username: &str) -> Result<Option<User>> {
        who.authorize(Action::ViewUsers)?;
        self.store.user_by_name(username).await
    }

    /// Adds an account; a login name already used is a conflict naming the field.
    pub async fn create_user(
        &self,
        who: &Actor,
        input: impl Checked<NewUserDraft>,
    ) -> Result<User> {
        let who = who.authorize(Action::ManageUsers)?;
        let d = input.checked()?;
        let password_hash = password::hash(d.password).await;
        let new = NewUser {
            username: d.username,
            display_name: d.display_name,
            role: d.role,
            password_hash,
        };
        self.store.create_user(&who, new).await
    }

    /// Changes an account: its name, role, a new password, or disables it (its sessions
    /// and tokens end). An administrator keeps their own role.
    pub async fn update_user(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<UserUpdateDraft>,
    ) -> Result<User> {
        let who = who.authorize(Action::ManageUsers)?;
        let d = input.checked()?;
        let password_hash = match d.password {
            Some(p) => Some(password::hash(p).await),
            None => None,
        };
        let patch = UserPatch {
            display_name: d.display_name,
            role: d.role,
            disabled: d.disabled,
            password_hash,
        };
        self.store.update_user(&who, id, patch).await
    }
}
