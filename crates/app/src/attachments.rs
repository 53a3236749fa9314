//! Attachments (R2.4, R8.2, R8.3): a notice's files, a draft 作業手順書 version's files and
//! a 作業依頼書's evidence of work, checked by content and extension, stored with their
//! SHA-256; listed and downloaded by anyone who reads jobs.
//!
//! Attaching is two steps so that the role is checked before the file is read: who may
//! attach depends on the owner ([`OwnerKind::attach_action`]), named in the query, and
//! [`App::begin_upload`] grants an [`Upload`] for it; [`App::attach`] then takes the file.

use jukiops_domain::FieldErrors;
use jukiops_domain::attachments::{OwnerKind, check_file};
use jukiops_domain::people::{Action, Actor, Authorized};
use jukiops_store::{Attachment, AttachmentFile};
use serde::Deserialize;

use crate::{App, Result};

/// `?owner=&owner_id=`: what the attachments belong to.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct OwnerQuery {
    /// notice(通知)・procedure(作業手順書の版)・request(作業依頼書の作業の証跡)・work_record(作業記録の写真)
    pub owner: String,
    /// 通知ID・作業手順書(版)ID・作業依頼書ID・作業記録ID
    pub owner_id: i64,
}

impl OwnerQuery {
    /// The query naming `owner_id` of `kind`.
    pub fn new(kind: OwnerKind, owner_id: i64) -> Self {
        Self {
            owner: kind.as_str().to_string(),
            owner_id,
        }
    }

    /// The kind of owner, refused naming `owner` when unknown.
    pub fn kind(&self) -> std::result::Result<OwnerKind, FieldErrors> {
        OwnerKind::parse(self.owner.trim()).ok_or_else(|| {
            let mut e = FieldErrors::default();
            e.push(
                "owner",
                "添付先は notice・procedure・request・work_record のいずれかを指定してください。",
            );
            e
        })
    }
}

/// Leave to attach one file to one owner: granted by [`App::begin_upload`] once the access
/// table allowed the actor the owner's action, before the file is read.
#[derive(Debug)]
pub struct Upload {
    who: Authorized,
    kind: OwnerKind,
    owner_id: i64,
}

impl Upload {
    pub fn kind(&self) -> OwnerKind {
        self.kind
    }
    pub fn owner_id(&self) -> i64 {
        self.owner_id
    }
}

/// The page an owner's files are shown on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentHome {
    Notice(i64),
    Request(i64),
    /// A work record's terminal on the on-site page of its request.
    OnSite {
        request: i64,
        terminal: i64,
    },
}

impl App {
    /// Grants attaching a file to the owner `q` names, when the access table allows the
    /// actor that owner's action (notice: the City; procedure: the lead; request evidence:
    /// those who record work). Nothing is read yet.
    pub fn begin_upload(&self, who: &Actor, q: &OwnerQuery) -> Result<Upload> {
        let kind = q.kind()?;
        let who = who.authorize(kind.attach_action())?;
        Ok(Upload {
            who,
            kind,
            owner_id: q.owner_id,
        })
    }

    /// Attaches the file `bytes` named `file_name` (checked by content and extension, up to
    /// 4 MiB) to the owner of `upload`; a procedure version only while it is a draft, a
    /// request's evidence only while it is open (409 otherwise).
    pub async fn attach(
        &self,
        upload: Upload,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Attachment> {
        let file = check_file(file_name, bytes)?;
        self.store
            .add_attachment(&upload.who, upload.kind, upload.owner_id, &file, bytes)
            .await
    }

    /// The attachments of the owner `q` names, oldest first (metadata only).
    pub async fn attachments(&self, who: &Actor, q: &OwnerQuery) -> Result<Vec<Attachment>> {
        who.authorize(Action::ViewJobs)?;
        self.store.attachments_of(q.kind()?, q.owner_id).await
    }

    /// The attachments of several owners of one kind (a request's procedure versions).
    pub async fn attachments_of_many(
        &self,
        who: &Actor,
        kind: OwnerKind,
        owner_ids: &[i64],
    ) -> Result<Vec<Attachment>> {
        who.authorize(Action::ViewJobs)?;
        self.store.attachments_of_many(kind, owner_ids).await
    }

    /// One attachment with its content, for download.
    pub async fn attachment(&self, who: &Actor, id: i64) -> Result<AttachmentFile> {
        who.authorize(Action::ViewJobs)?;
        self.store.attachment(id).await
    }

    /// The page that shows the owner's files: a notice's own page, the 作業依頼書 itself
    /// or the one a procedure version belongs to, or a work record's terminal on site.
    pub async fn attachment_home(
        &self,
        who: &Actor,
        kind: OwnerKind,
        owner_id: i64,
    ) -> Result<AttachmentHome> {
        who.authorize(Action::ViewJobs)?;
        Ok(match kind {
            OwnerKind::Notice => AttachmentHome::Notice(owner_id),
            OwnerKind::Request => AttachmentHome::Request(owner_id),
            OwnerKind::Procedure => {
                AttachmentHome::Request(self.store.procedure_request_id(owner_id).await?)
            }
            OwnerKind::WorkRecord => {
                let (request, terminal) = self.store.work_record_place(owner_id).await?;
                AttachmentHome::OnSite { request, terminal }
            }
        })
    }
}
