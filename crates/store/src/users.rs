//! Accounts: users with one role each.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::{
    Authorized, PersonFacts, Role, UserUpdateDraft, judge_scope_change, judge_user_change,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::accounts::end_credentials;
use jukiops_domain::listing::{
    Column, Filter, FilterKind, ListRequest, ListSpec, Searched, choices,
};

use crate::sql;
use crate::{Page, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
    /// The password was set by someone else (an administrator, the CLI): the person changes
    /// it at their next sign-in.
    pub must_change_password: bool,
    /// A second factor (TOTP) is enrolled and confirmed: signing in asks for a code.
    pub second_factor: bool,
    /// Locked by failed sign-ins (filled in by the list of accounts; `false` elsewhere).
    pub locked: bool,
    /// The post a City staff member holds in the City's 決裁 (担当, 係長, ...).
    pub post: Option<String>,
    /// Where inbox notices are mailed, if an SMTP relay is configured.
    pub email: Option<String>,
    /// The site of a ward office's staff (区役所担当者); `None` for every other role.
    pub site_id: Option<i64>,
    pub site_name: Option<String>,
    /// A worker's or lead's badge number, shown to the reception desk of the sites visited.
    pub badge_number: Option<String>,
}

/// Internal row with the hash; never leaves this crate.
pub(crate) struct UserWithHash {
    pub user: User,
    pub password_hash: String,
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.disabled, u.created_at, u.must_change_password, u.post, u.email, \
     u.site_id, u.badge_number, (SELECT s.name FROM sites s WHERE s.id = u.site_id) AS site_name, \
     (SELECT COUNT(*) FROM second_factors f WHERE f.user_id = u.id \
     AND f.confirmed_at IS NOT NULL) AS second_factor";

pub(crate) fn user_row(r: &AnyRow) -> Result<User, sqlx::Error> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: Role::decode(&role).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        created_at: r.try_get("created_at")?,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
        second_factor: r.try_get::<i64, _>("second_factor")? != 0,
        locked: false,
        post: r.try_get("post")?,
        email: r.try_get("email")?,
        site_id: r.try_get("site_id")?,
        site_name: r.try_get("site_name")?,
        badge_number: r.try_get("badge_number")?,
    })
}

/// A new account; the password is already hashed (see [`crate::password`]).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    /// The site of a ward office's staff.
    pub site_id: Option<i64>,
    pub badge_number: Option<String>,
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
    /// A new post (`Some(None)` clears it).
    pub post: Option<Option<String>>,
    /// A new e-mail address (`Some(None)` clears it).
    pub email: Option<Option<String>>,
    /// A new site (a ward office's staff).
    pub site_id: Option<i64>,
    /// A new badge number (`Some(None)` clears it).
    pub badge_number: Option<Option<String>>,
}

impl UserPatch {
    /// What the rules judge of the patch (the password itself does not matter to them).
    fn judged(&self) -> UserUpdateDraft {
        UserUpdateDraft {
            display_name: self.display_name.clone(),
            role: self.role,
            disabled: self.disabled,
            password: None,
            post: self.post.clone(),
            email: self.email.clone(),
            site_id: self.site_id,
            badge_number: self.badge_number.clone(),
        }
    }
}

/// One account, read on `conn`.
async fn user_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<User, StoreError> {
    let r = sqlx::query(sql(format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound(Entity::User))?;
    Ok(user_row(&r)?)
}

/// The list of accounts: searched by sign-in ID, name, post and address.
pub static USER_LIST: ListSpec = ListSpec {
    name: "users",
    title: "利用者",
    columns: &[
        Column::sortable("username", "ログインID", "u.username"),
        Column::sortable("display_name", "氏名", "u.display_name"),
        Column::sortable("role", "ロール", "u.role").shown_as("role_label"),
        Column::sortable("disabled", "状態", "u.disabled").shown_as("state_label"),
        Column::plain("second_factor", "二要素認証").shown_as("second_factor_label"),
        Column::sortable("created_at", "登録日時", "u.created_at").shown_as("created_at_jst"),
    ],
    search: &[
        Searched::code("u.username"),
        Searched::text("u.display_name"),
        Searched::text("u.post"),
        Searched::code("u.email"),
    ],
    filters: &[Filter {
        key: "role",
        label: "ロール",
        sql: "u.role",
        kind: FilterKind::Choice(choices::<Role>),
    }],
    default_sort: "username",
    default_desc: false,
    tie_break: "u.id",
};

/// The name of site `id`, read on `conn`; an unknown site is refused naming `site_id`.
async fn site_name_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<String, StoreError> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM sites WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    name.ok_or_else(|| jukiops_domain::rules::Refusal::unknown("site_id", "拠点", id).into())
}

impl Store {
    /// The accounts the list tools ask for, each marked `locked` by failed sign-ins (`limit` or more within `window`).
    pub async fn user_list(
        &self,
        req: &ListRequest,
        window: chrono::Duration,
        limit: i64,
    ) -> Result<Page<User>, StoreError> {
        let mut page = self
            .list_page(USER_COLUMNS, "FROM users u", &[], req, |r| Ok(user_row(r)?))
            .await?;
        let locked = self.locked_accounts(window, limit).await?;
        for u in &mut page.items {
            u.locked = locked.contains(&u.username);
        }
        Ok(page)
    }

    /// Each account's login name with the name people know them by, for showing who did
    /// what on the pages (records keep the login name).
    pub async fn person_names(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT username, display_name FROM users")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows)
    }

    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        let mut conn = self.pool.acquire().await?;
        user_in(&mut conn, id).await
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        Ok(self.user_with_hash(username).await?.map(|u| u.user))
    }

    pub(crate) async fn user_with_hash(
        &self,
        username: &str,
    ) -> Result<Option<UserWithHash>, StoreError> {
        let r = sqlx::query(sql(format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1"
        )))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        match r {
            None => Ok(None),
            Some(r) => Ok(Some(UserWithHash {
                user: user_row(&r)?,
                password_hash: r.try_get("password_hash")?,
            })),
        }
    }

    pub async fn create_user(&self, who: &Authorized, new: NewUser) -> Result<User, StoreError> {
        let mut ch = self.begin(who).await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(&new.username)
            .fetch_optional(ch.conn())
            .await?;
        if taken.is_some() {
            return Err(jukiops_domain::inventory::taken("username", &new.username).into());
        }
        let site_name = match new.site_id {
            Some(site) => Some(site_name_in(ch.conn(), site).await?),
            None => None,
        };
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, password_hash, disabled, created_at, updated_at, \
             must_change_password, site_id, badge_number) VALUES ($1, $2, $3, $4, 0, $5, $5, 1, $6, $7) RETURNING id",
        )
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(new.role.as_str())
        .bind(&new.password_hash)
        .bind(&now)
        .bind(new.site_id)
        .bind(new.badge_number.as_deref())
        .fetch_one(ch.conn())
        .await?;
        let mut changes = json!({
            "username": {"before": null, "after": new.username},
            "display_name": {"before": null, "after": new.display_name},
            "role": {"before": null, "after": new.role.as_str()},
        });
        if let Some(name) = site_name {
            changes["site_id"] = json!({"before": null, "after": name});
        }
        if let Some(badge) = &new.badge_number {
            changes["badge_number"] = json!({"before": null, "after": badge});
        }
        ch.audit(Entity::User, id, AuditAction::Create, &changes);
        ch.commit().await?;
        self.user(id).await
    }

    /// Changes an account. A new password or disabling ends the account's sessions.
    pub async fn update_user(
        &self,
        who: &Authorized,
        id: i64,
        patch: UserPatch,
    ) -> Result<User, StoreError> {
        let mut ch = self.begin(who).await?;
        // The "before" of the audit diff is read inside the change that writes the "after".
        let before = user_in(ch.conn(), id).await?;
        judge_user_change(who.user_id(), id, before.role, &patch.judged())?;
        let mut changes = serde_json::Map::new();
        let display_name = patch
            .display_name
            .clone()
            .unwrap_or(before.display_name.clone());
        let role = patch.role.unwrap_or(before.role);
        let disabled = patch.disabled.unwrap_or(before.disabled);
        if display_name != before.display_name {
            changes.insert(
                "display_name".into(),
                json!({"before": before.display_name, "after": display_name}),
            );
        }
        if role != before.role {
            changes.insert(
                "role".into(),
                json!({"before": before.role.as_str(), "after": role.as_str()}),
            );
        }
        if disabled != before.disabled {
            changes.insert(
                "disabled".into(),
                json!({"before": before.disabled, "after": disabled}),
            );
        }
        if patch.password_hash.is_some() {
            // The fact of the change, never the password or its hash.
            changes.insert(
                "password".into(),
                json!({"before": null, "after": "changed"}),
            );
        }
        let post = patch.post.clone().unwrap_or(before.post.clone());
        if post != before.post {
            changes.insert("post".into(), json!({"before": before.post, "after": post}));
        }
        let email = patch.email.clone().unwrap_or(before.email.clone());
        if email != before.email {
            changes.insert(
                "email".into(),
                json!({"before": before.email, "after": email}),
            );
        }
        let (site_id, badge_number) = judge_scope_change(
            role,
            (before.site_id, before.badge_number.clone()),
            &patch.judged(),
        )?;
        if site_id != before.site_id {
            let after = match site_id {
                Some(site) => Some(site_name_in(ch.conn(), site).await?),
                None => None,
            };
            changes.insert(
                "site_id".into(),
                json!({"before": before.site_name, "after": after}),
            );
        }
        if badge_number != before.badge_number {
            changes.insert(
                "badge_number".into(),
                json!({"before": before.badge_number, "after": badge_number}),
            );
        }
        let now = ch.now().to_string();
        sqlx::query(
            "UPDATE users SET display_name = $1, role = $2, disabled = $3, \
             password_hash = COALESCE($4, password_hash), updated_at = $5, \
             must_change_password = CASE WHEN $4 IS NULL THEN must_change_password ELSE 1 END, \
             post = $7, email = $8, site_id = $9, badge_number = $10 WHERE id = $6",
        )
        .bind(&display_name)
        .bind(role.as_str())
        .bind(i64::from(disabled))
        .bind(patch.password_hash.as_deref())
        .bind(&now)
        .bind(id)
        .bind(post)
        .bind(email)
        .bind(site_id)
        .bind(badge_number)
        .execute(ch.conn())
        .await?;
        // New credentials, a new role or a new site end what the old ones opened (sessions
        // and tokens).
        if disabled
            || patch.password_hash.is_some()
            || role != before.role
            || site_id != before.site_id
        {
            let revoked = end_credentials(&mut ch, id, None).await?;
            if revoked > 0 {
                changes.insert("tokens_revoked".into(), json!({"after": revoked}));
            }
        }
        ch.audit(
            Entity::User,
            id,
            AuditAction::Update,
            &serde_json::Value::Object(changes),
        );
        ch.commit().await?;
        self.user(id).await
    }
}

impl Store {
    /// The contractor's people who may be put on a visit: enabled leads and workers.
    pub async fn contractor_people(&self) -> Result<Vec<crate::PersonRef>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, username, display_name FROM users WHERE disabled = 0 \
             AND role IN ('contractor_worker', 'contractor_lead') ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(crate::PersonRef {
                    id: r.try_get("id")?,
                    username: r.try_get("username")?,
                    display_name: r.try_get("display_name")?,
                })
            })
            .collect()
    }
}

/// Person `id` of the register, if there is one.
pub(crate) async fn person_facts(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Option<PersonFacts>, StoreError> {
    let r = sqlx::query("SELECT username, role, disabled FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    let Some(r) = r else { return Ok(None) };
    Ok(Some(PersonFacts {
        username: r.try_get("username")?,
        role: Role::decode(&r.try_get::<String, _>("role")?)?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
    }))
}
