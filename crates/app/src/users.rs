//! User administration: the accounts, their roles, disabling and password resets by the
//! administrator (every change audited, never a password).

use jukiops_domain::Checked;
use jukiops_domain::approvals::StandInDraft;
use jukiops_domain::people::{Action, Actor, NewUserDraft, UserUpdateDraft};
use jukiops_store::{NewUser, StandIn, User, UserPatch, password};

use crate::{App, Result};

impl App {
    /// Who a recorded name is, as the pages show it: each login name with its person's
    /// name (any signed-in user reads the names of the people whose work they see).
    pub async fn person_names(&self) -> Result<std::collections::HashMap<String, String>> {
        Ok(self.store.person_names().await?.into_iter().collect())
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
            site_id: d.site_id,
            badge_number: d.badge_number,
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
            post: d.post,
            email: d.email,
            site_id: d.site_id,
            badge_number: d.badge_number,
        };
        self.store.update_user(&who, id, patch).await
    }

    /// The sites an account of a ward office's staff may be given: `(id, name)` by code.
    pub async fn user_site_choices(&self, who: &Actor) -> Result<Vec<(i64, String)>> {
        who.authorize(Action::ViewUsers)?;
        Ok(self
            .store
            .all_sites()
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect())
    }

    /// Whom account `id` may stand in for in the City's 決裁, and when.
    pub async fn stand_ins(&self, who: &Actor, id: i64) -> Result<Vec<StandIn>> {
        who.authorize(Action::ViewUsers)?;
        self.store.stand_ins(id).await
    }

    /// Records that account `id` (a City staff member) stands in for another while they
    /// are absent: it may then decide the steps of the other's post (audited).
    pub async fn add_stand_in(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<StandInDraft>,
    ) -> Result<Vec<StandIn>> {
        let who = who.authorize(Action::ManageUsers)?;
        let d = input.checked()?;
        self.store
            .add_stand_in(&who, id, d.for_user_id, d.valid_from, d.valid_to)
            .await?;
        self.store.stand_ins(id).await
    }
}
