//! Evidence files (证明材料) of a declaration: presigned uploads per slot, a `complete` check of size, checksum
//! and real file type, short-lived download links, and deletion while the declaration is editable.
//!
//! Records, beside the declaration:
//! - `pk = DECL#<id>, sk = EVID#<evidence_id>` — one uploaded (or announced) file;
//! - `pk = DECL#<id>, sk = SLOT#<slot>` — which evidence is the slot's current file (one per slot).
//!
//! Object keys are chosen by the server (`evidence/<declaration id>/<evidence id>`); the client's file name is
//! kept for display only, and a download is saved as its cleaned stem plus the checked type's extension.
//! `complete` checks the whole file's structure (`rules::file_content`), not only its first bytes. A new completed upload replaces the slot's previous file.

use crate::domain::principal::Principal;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::ports::{Cond, Item, PresignedRequest, Query, SharedBlobs, TxOp, UploadSpec, query_all};
#[cfg(feature = "file-checks")]
use crate::rules::file_content::{self, ContentError};
use crate::rules::file_type::{self, FileKind};
use crate::services::common::Versioned;
use crate::services::events::{Event, new_id};
use crate::services::records::decl_pk;
#[cfg(feature = "file-checks")]
use crate::services::repository::{Tx, TxError};
use crate::services::{Platform, eligibility, records};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;
use time::OffsetDateTime;

const EVIDENCE_PREFIX: &str = "EVID#";
const SLOT_PREFIX: &str = "SLOT#";

/// Upload state of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStatus {
    /// Announced; the bytes are not checked yet.
    Pending,
    /// Checked: it counts for its slot.
    Complete,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    pub id: String,
    /// The declaration (or information update) the file belongs to.
    #[serde(alias = "declaration_id")]
    pub owner_id: String,
    pub slot: String,
    /// For display only.
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    /// Hex SHA-256 the client declared (and `complete` verified).
    pub sha256: String,
    pub status: EvidenceStatus,
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub key: String,
    #[serde(with = "crate::domain::timestamp")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "crate::domain::timestamp::option")]
    pub completed_at: Option<OffsetDateTime>,
}

/// Stored form of [`Evidence`] (the key is kept in storage but never shown).
#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(flatten)]
    evidence: Evidence,
    object_key: String,
    /// The owner's partition.
    #[serde(default)]
    owner_pk: String,
}

/// `POST /v1/declarations/{id}/evidence` body.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadRequest {
    pub slot: String,
    pub file_name: String,
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// Hex SHA-256 of the file.
    pub sha256: String,
}

/// The answer: the evidence id and how to upload.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadTicket {
    pub evidence_id: String,
    pub upload: PresignedRequest,
}

/// A listed file with its download link (complete files only).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Listed {
    #[serde(flatten)]
    pub evidence: Evidence,
    /// Whether it is the slot's current file.
    pub current: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download: Option<PresignedRequest>,
}

/// What a file belongs to: a declaration (or re-review), or a yearly information update (evidence optional).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerKind {
    Declaration,
    InfoUpdate,
    /// The documents of a manual phone change or a USCC claim (`services::recovery_documents`), reached through
    /// their own routes only.
    Recovery,
}

/// The owning record, as the evidence code needs it.
pub struct Owner {
    pub kind: OwnerKind,
    pub id: String,
    /// The owner's partition (`DECL#…`, `UPD#…`): files, slots and events live beside it.
    pub pk: String,
    /// The owner item's sort key and version (checked when a file lands or goes).
    pub sk: &'static str,
    pub version: u64,
    pub editable: bool,
    pub status_label: &'static str,
    /// (id, label, required)
    pub slots: Vec<(String, String, bool)>,
}

/// Evidence slots of a yearly update (all optional).
fn update_slots() -> Vec<(String, String, bool)> {
    vec![
        ("audit_report".into(), "上年度财务审计报告".into(), false),
        ("supporting".into(), "其他证明材料".into(), false),
    ]
}

/// The owner when the caller is its enterprise (404 otherwise).
pub async fn owned(
    p: &Platform,
    caller: &Principal,
    kind: OwnerKind,
    id: &str,
) -> AppResult<Owner> {
    match kind {
        OwnerKind::Declaration => {
            let d = records::load_owned(p, caller, id).await?;
            Ok(Owner {
                kind,
                id: d.value.id.clone(),
                pk: decl_pk(&d.value.id),
                sk: records::DECL_SK,
                version: d.version,
                editable: d.value.status.is_editable(),
                status_label: d.value.status.label(),
                slots: eligibility::evidence_slots(&d.value),
            })
        }
        OwnerKind::InfoUpdate => {
            let u = crate::services::info_updates::load_own(p, caller, id).await?;
            Ok(update_owner(u))
        }
        OwnerKind::Recovery => Err(AppError::not_found("材料不存在")),
    }
}

/// The owner when the caller owns or reviews it (404 otherwise).
pub async fn visible(
    p: &Platform,
    caller: &Principal,
    kind: OwnerKind,
    id: &str,
) -> AppResult<Owner> {
    match kind {
        OwnerKind::Declaration => {
            let d = records::load_visible(p, caller, id).await?;
            Ok(Owner {
                kind,
                id: d.value.id.clone(),
                pk: decl_pk(&d.value.id),
                sk: records::DECL_SK,
                version: d.version,
                editable: d.value.status.is_editable(),
                status_label: d.value.status.label(),
                slots: eligibility::evidence_slots(&d.value),
            })
        }
        OwnerKind::InfoUpdate => {
            let u = crate::services::info_updates::load_visible(p, caller, id).await?;
            Ok(update_owner(u))
        }
        OwnerKind::Recovery => Err(AppError::not_found("材料不存在")),
    }
}

fn update_owner(u: Versioned<crate::services::info_updates::InfoUpdate>) -> Owner {
    use crate::services::info_updates::UpdateStatus;
    Owner {
        kind: OwnerKind::InfoUpdate,
        pk: crate::services::info_updates::upd_pk(&u.value.id),
        id: u.value.id,
        sk: crate::services::info_updates::UPD_SK,
        version: u.version,
        editable: matches!(u.value.status, UpdateStatus::Draft | UpdateStatus::Returned),
        status_label: u.value.status.label(),
        slots: update_slots(),
    }
}

fn blobs(p: &Platform) -> AppResult<&SharedBlobs> {
    p.blobs
        .as_ref()
        .ok_or_else(|| AppError::internal("evidence storage is not configured for this function"))
}

fn evidence_item(owner_pk: &str, e: &Evidence, version: u64) -> Item {
    Item::new(
        owner_pk.to_owned(),
        format!("{EVIDENCE_PREFIX}{}", e.id),
        &Stored {
            evidence: e.clone(),
            object_key: e.key.clone(),
            owner_pk: owner_pk.to_owned(),
        },
    )
    .with_version(version)
}

fn decode(item: &Item) -> AppResult<Versioned<Evidence>> {
    let stored: Stored = item.decode()?;
    let mut evidence = stored.evidence;
    evidence.key = stored.object_key;
    Ok(Versioned {
        value: evidence,
        version: item.version,
    })
}

fn editable(o: &Owner) -> AppResult<()> {
    if o.editable {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorCode::InvalidState,
            format!("当前状态为“{}”，不能修改证明材料", o.status_label),
        ))
    }
}

fn parse_sha256(hex_text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(hex_text.trim()).ok()?;
    bytes.try_into().ok()
}

/// Announce an upload and get its presigned PUT.
pub async fn request_upload(
    p: &Platform,
    caller: &Principal,
    kind: OwnerKind,
    owner_id: &str,
    req: &UploadRequest,
) -> AppResult<UploadTicket> {
    let o = owned(p, caller, kind, owner_id).await?;
    upload_to(p, &o, req).await
}

/// [`request_upload`] for an owner the caller has already been checked against (also the documents of a phone
/// change or a USCC claim, `services::recovery_documents`).
pub async fn upload_to(p: &Platform, o: &Owner, req: &UploadRequest) -> AppResult<UploadTicket> {
    editable(o)?;
    let mut errors = Vec::new();
    let slots = o.slots.clone();
    if !slots.iter().any(|(id, _, _)| id == req.slot.trim()) {
        let names: Vec<String> = slots
            .iter()
            .map(|(id, label, _)| format!("{id}（{label}）"))
            .collect();
        errors.push(FieldError::new(
            "slot",
            "UNKNOWN_SLOT",
            format!("材料类别不存在，可选：{}", names.join("、")),
        ));
    }
    let file_name = req.file_name.trim();
    if file_name.is_empty()
        || file_name.chars().count() > 200
        || file_name.chars().any(file_type::is_unsafe_in_file_name)
    {
        errors.push(FieldError::new(
            "file_name",
            "INVALID_FILE_NAME",
            "文件名须为 1–200 个字符，不含控制字符或文字方向控制符",
        ));
    }
    let sha256 = parse_sha256(&req.sha256);
    if sha256.is_none() {
        errors.push(FieldError::new(
            "sha256",
            "INVALID_SHA256",
            "sha256 须为 64 位十六进制字符",
        ));
    }
    if req.size == 0 {
        errors.push(FieldError::new("size", "EMPTY_FILE", "文件不能为空"));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let Some(kind) = file_type::kind_for_content_type(&req.content_type) else {
        return Err(AppError::new(
            ErrorCode::FileTypeNotAllowed,
            "仅支持 PDF、JPG、PNG、ZIP、DOC、DOCX 格式的文件",
        )
        .with_extra("allowed", json!(allowed_types())));
    };
    let cap = p.policy.evidence_max_bytes;
    if req.size > cap {
        return Err(AppError::new(
            ErrorCode::FileTooLarge,
            format!("单个文件不能超过 {} MB", cap / (1024 * 1024)),
        )
        .with_extra("max_bytes", json!(cap)));
    }
    let now = p.clock.now();
    let evidence = Evidence {
        id: new_id(now),
        owner_id: o.id.clone(),
        slot: req.slot.trim().to_owned(),
        file_name: file_name.to_owned(),
        content_type: kind.content_type().to_owned(),
        size: req.size,
        sha256: hex::encode(sha256.unwrap_or_default()),
        status: EvidenceStatus::Pending,
        key: String::new(),
        created_at: now,
        completed_at: None,
    };
    let evidence = Evidence {
        key: format!("evidence/{}/{}", o.id, evidence.id),
        ..evidence
    };
    let upload = blobs(p)?
        .presign_put(&UploadSpec {
            key: evidence.key.clone(),
            content_type: evidence.content_type.clone(),
            size: evidence.size,
            sha256: sha256.unwrap_or_default(),
            expires_in: Duration::from_secs(p.policy.upload_url_seconds),
        })
        .await?;
    // Pending evidence expires from the store if never completed (a day is ample for a 15-minute URL).
    let item = evidence_item(&o.pk, &evidence, 1).expiring_at(now.unix_timestamp() + 24 * 3600);
    p.store.put(item, Cond::Absent).await?;
    Ok(UploadTicket {
        evidence_id: evidence.id,
        upload,
    })
}

fn allowed_types() -> Vec<&'static str> {
    [
        FileKind::Pdf,
        FileKind::Jpeg,
        FileKind::Png,
        FileKind::Zip,
        FileKind::Doc,
        FileKind::Docx,
    ]
    .iter()
    .map(|k| k.content_type())
    .collect()
}

async fn load_evidence(
    p: &Platform,
    owner_pk: &str,
    evidence_id: &str,
) -> AppResult<Versioned<Evidence>> {
    if !crate::services::events::is_valid_id(evidence_id) {
        return Err(AppError::not_found("材料不存在"));
    }
    match p
        .store
        .get(owner_pk, &format!("{EVIDENCE_PREFIX}{evidence_id}"))
        .await?
    {
        Some(item) => decode(&item),
        None => Err(AppError::not_found("材料不存在")),
    }
}

#[cfg(feature = "file-checks")]
/// Check the uploaded object; on success it becomes the slot's current file.
pub async fn complete(
    p: &Platform,
    caller: &Principal,
    kind: OwnerKind,
    owner_id: &str,
    evidence_id: &str,
) -> AppResult<Evidence> {
    let o = owned(p, caller, kind, owner_id).await?;
    complete_in(p, &o, Some(caller.account_id()), evidence_id).await
}

#[cfg(feature = "file-checks")]
/// [`complete`] for an owner the caller has already been checked against; `actor` is recorded in the event.
pub async fn complete_in(
    p: &Platform,
    o: &Owner,
    actor: Option<&str>,
    evidence_id: &str,
) -> AppResult<Evidence> {
    editable(o)?;
    let ev = load_evidence(p, &o.pk, evidence_id).await?;
    if ev.value.status == EvidenceStatus::Complete {
        return Ok(ev.value);
    }
    let blobs = blobs(p)?;
    let sha = parse_sha256(&ev.value.sha256).unwrap_or_default();
    match blobs.complete(&ev.value.key, ev.value.size, &sha).await {
        Ok(_) => {}
        Err(crate::ports::BlobError::Missing) => {
            return Err(AppError::new(
                ErrorCode::UploadIncomplete,
                "尚未收到文件，请先使用上传地址上传文件后再确认",
            ));
        }
        Err(crate::ports::BlobError::SizeMismatch { expected, actual }) => {
            blobs.delete(&ev.value.key).await?;
            return Err(AppError::new(
                ErrorCode::ChecksumMismatch,
                format!(
                    "收到的文件大小（{actual} 字节）与申报的大小（{expected} 字节）不一致，请重新上传"
                ),
            ));
        }
        Err(crate::ports::BlobError::ChecksumMismatch) => {
            blobs.delete(&ev.value.key).await?;
            return Err(AppError::new(
                ErrorCode::ChecksumMismatch,
                "收到的文件与申报的 SHA-256 校验值不一致，请重新上传",
            ));
        }
        Err(other) => return Err(other.into()),
    }
    // The real type and a structure check of the whole file (rules::file_content), off the async threads.
    let declared = file_type::kind_for_content_type(&ev.value.content_type);
    let verdict = match declared {
        Some(kind) => {
            let file = blobs.open_read(&ev.value.key).await?;
            tokio::task::spawn_blocking(move || {
                file_content::check(
                    kind,
                    std::io::BufReader::new(file),
                    &file_content::Limits::default(),
                )
            })
            .await
            .map_err(|e| AppError::internal(format!("file check failed: {e}")))?
        }
        None => Err(ContentError::WrongType {
            declared: FileKind::Pdf,
            actual: None,
        }),
    };
    match verdict {
        Ok(_) => {}
        Err(ContentError::WrongType { actual, .. }) => {
            blobs.delete(&ev.value.key).await?;
            return Err(AppError::new(
                ErrorCode::FileTypeNotAllowed,
                format!(
                    "文件内容与声明的类型（{}）不符{}，请上传真实的 PDF、JPG、PNG、ZIP、DOC 或 DOCX 文件",
                    declared.map(|k| k.label()).unwrap_or("未知"),
                    actual
                        .map(|k| format!("（实际为 {}）", k.label()))
                        .unwrap_or_default()
                ),
            ));
        }
        Err(ContentError::Invalid(reason)) => {
            blobs.delete(&ev.value.key).await?;
            return Err(AppError::new(
                ErrorCode::FileContentInvalid,
                format!("文件未通过安全检查：{reason}"),
            ));
        }
    }
    let now = p.clock.now();
    let mut done = ev.value.clone();
    done.status = EvidenceStatus::Complete;
    done.completed_at = Some(now);
    let slot_sk = format!("{SLOT_PREFIX}{}", done.slot);
    let previous = p.store.get(&o.pk.clone(), &slot_sk).await?;
    let mut tx = Tx::new();
    tx.extend([TxOp::Put {
        item: evidence_item(&o.pk, &done, ev.version + 1),
        cond: Cond::VersionIs(ev.version),
    }]);
    // The declaration must still be editable (and unchanged in status) when the file lands.
    tx.named(
        "owner",
        TxOp::Check {
            pk: o.pk.clone(),
            sk: o.sk.into(),
            cond: Cond::VersionIs(o.version),
        },
    );
    let mut ops = Vec::new();
    let mut replaced = None;
    let slot_item = Item::new(
        o.pk.clone(),
        slot_sk.clone(),
        &json!({"evidence_id": done.id}),
    );
    match &previous {
        Some(prev) => {
            let old: serde_json::Value = prev.decode()?;
            if let Some(old_id) = old["evidence_id"].as_str()
                && old_id != done.id
                && let Ok(old_ev) = load_evidence(p, &o.pk, old_id).await
            {
                ops.push(TxOp::Delete {
                    pk: o.pk.clone(),
                    sk: format!("{EVIDENCE_PREFIX}{old_id}"),
                    cond: Cond::Always,
                });
                replaced = Some(old_ev.value);
            }
            ops.push(TxOp::Put {
                item: slot_item.with_version(prev.version + 1),
                cond: Cond::VersionIs(prev.version),
            });
        }
        None => ops.push(TxOp::Put {
            item: slot_item.with_version(1),
            cond: Cond::Absent,
        }),
    }
    ops.push(
        Event::new(
            "evidence.completed",
            &o.pk.clone(),
            actor,
            now,
            json!({"evidence_id": done.id, "slot": done.slot, "sha256": done.sha256, "size": done.size,
                   "replaced": replaced.as_ref().map(|r| r.id.clone())}),
        )
        .tx_op(),
    );
    tx.extend(ops);
    tx.commit(p).await.map_err(|e| match e {
        TxError::Condition("owner") => AppError::new(
            ErrorCode::VersionConflict,
            "申报已被同时修改（例如已提交），请刷新后重试",
        ),
        other => AppError::from(other),
    })?;
    if let Some(old) = replaced {
        // After the commit: a failure here leaves an unreachable object, never a missing one.
        if let Err(e) = blobs.delete(&old.key).await {
            tracing::warn!(error = %e, key = %old.key, "could not delete a replaced evidence object");
        }
    }
    Ok(done)
}

/// The files of a declaration (owner and reviewers), with download links for completed ones.
pub async fn list(
    p: &Platform,
    caller: &Principal,
    kind: OwnerKind,
    owner_id: &str,
) -> AppResult<Vec<Listed>> {
    let o = visible(p, caller, kind, owner_id).await?;
    list_of(p, &o).await
}

/// [`list`] for an owner the caller has already been checked against.
pub async fn list_of(p: &Platform, o: &Owner) -> AppResult<Vec<Listed>> {
    let (files, current) = all(p, &o.pk).await?;
    let blobs = blobs(p)?;
    let mut out = Vec::new();
    for e in files {
        let is_current = current.iter().any(|(_, id)| *id == e.id);
        let download = if e.status == EvidenceStatus::Complete {
            Some(
                blobs
                    .presign_get(
                        &e.key,
                        Duration::from_secs(p.policy.download_url_seconds),
                        // A clean stem plus the extension of the checked type: never `setup.exe`.
                        Some(&file_type::download_name(
                            &e.file_name,
                            file_type::kind_for_content_type(&e.content_type)
                                .unwrap_or(FileKind::Pdf),
                        )),
                    )
                    .await?,
            )
        } else {
            None
        };
        out.push(Listed {
            evidence: e,
            current: is_current,
            download,
        });
    }
    Ok(out)
}

/// Every evidence record and the current file of each slot.
pub async fn all(
    p: &Platform,
    owner_pk: &str,
) -> AppResult<(Vec<Evidence>, Vec<(String, String)>)> {
    let store = p.store.as_ref();
    // The files and the slots' current pointers: two independent queries, issued together.
    let (files, slots) = tokio::try_join!(
        query_all(store, Query::base(owner_pk).begins_with(EVIDENCE_PREFIX)),
        query_all(store, Query::base(owner_pk).begins_with(SLOT_PREFIX)),
    )?;
    let files = files
        .iter()
        .map(|item| decode(item).map(|v| v.value))
        .collect::<AppResult<Vec<_>>>()?;
    let current = slots
        .iter()
        .map(|item| {
            let v: serde_json::Value = item.decode()?;
            Ok((
                item.sk.trim_start_matches(SLOT_PREFIX).to_owned(),
                v["evidence_id"].as_str().unwrap_or_default().to_owned(),
            ))
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok((files, current))
}

/// The current, completed file of each slot (what a submission freezes).
pub async fn current_files(p: &Platform, owner_pk: &str) -> AppResult<Vec<Evidence>> {
    let (files, current) = all(p, owner_pk).await?;
    Ok(files
        .into_iter()
        .filter(|e| {
            e.status == EvidenceStatus::Complete
                && current
                    .iter()
                    .any(|(slot, id)| *slot == e.slot && *id == e.id)
        })
        .collect())
}

/// Remove a file while the declaration is editable.
pub async fn delete(
    p: &Platform,
    caller: &Principal,
    kind: OwnerKind,
    owner_id: &str,
    evidence_id: &str,
) -> AppResult<()> {
    let o = owned(p, caller, kind, owner_id).await?;
    editable(&o)?;
    let ev = load_evidence(p, &o.pk, evidence_id).await?;
    let now = p.clock.now();
    let slot_sk = format!("{SLOT_PREFIX}{}", ev.value.slot);
    let mut ops = vec![
        TxOp::Delete {
            pk: o.pk.clone(),
            sk: format!("{EVIDENCE_PREFIX}{}", ev.value.id),
            cond: Cond::VersionIs(ev.version),
        },
        TxOp::Check {
            pk: o.pk.clone(),
            sk: o.sk.into(),
            cond: Cond::VersionIs(o.version),
        },
    ];
    if let Some(slot) = p.store.get(&o.pk.clone(), &slot_sk).await? {
        let v: serde_json::Value = slot.decode()?;
        if v["evidence_id"].as_str() == Some(ev.value.id.as_str()) {
            ops.push(TxOp::Delete {
                pk: o.pk.clone(),
                sk: slot_sk,
                cond: Cond::VersionIs(slot.version),
            });
        }
    }
    ops.push(
        Event::new(
            "evidence.deleted",
            &o.pk.clone(),
            Some(caller.account_id()),
            now,
            json!({"evidence_id": ev.value.id, "slot": ev.value.slot}),
        )
        .tx_op(),
    );
    p.store.transact(ops).await?;
    if let Err(e) = blobs(p)?.delete(&ev.value.key).await {
        tracing::warn!(error = %e, key = %ev.value.key, "could not delete an evidence object");
    }
    Ok(())
}
