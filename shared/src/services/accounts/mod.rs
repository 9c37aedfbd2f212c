//! Account use cases: registration, real-name verification, login with lock-out, password reset, phone change,
//! operators' manual checks. Every state change is one transaction that also appends an event.

mod login;
mod password_reset;
mod phone_change;
mod real_name;
mod registration;

pub use login::*;
pub use password_reset::*;
pub use phone_change::*;
pub use real_name::*;
pub use registration::*;

use crate::services::common::{PageOf, Versioned};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

use crate::domain::account::{
    Account, CodeCheck, FailureCounter, OneTimeCode, RealNameSubject, Verification, six_digit_code,
};
use crate::domain::contact::{Email, LoginName, Password, Phone};
use crate::domain::principal::{Principal, Role};
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::ports::{Channel, Cond, IdentityCheck, Item, OutgoingMessage, Query, StoreError, TxOp};
use crate::rules::id_number::IdNumber;
use crate::rules::uscc::Uscc;
use crate::services::events::{Event, new_id};
use crate::services::limits::{self, Limit};
use crate::services::repository::{self, Tx, TxError};
use crate::services::{Platform, passwords};

// ---- keys of the records this module owns -------------------------------------------------------------------

pub(crate) const PROFILE: &str = "PROFILE";

pub fn account_pk(id: &str) -> String {
    format!("ACCOUNT#{id}")
}
fn login_pk(normalized: &str) -> String {
    format!("LOGIN#{normalized}")
}
pub(crate) fn uscc_pk(uscc: &str) -> String {
    format!("USCC#{uscc}")
}
fn lock_pk(subject: &str) -> String {
    format!("LOCK#{subject}")
}
fn reset_pk(account_id: &str) -> String {
    format!("RESET#{account_id}")
}
pub(crate) fn phone_change_pk(id: &str) -> String {
    format!("PHONECHANGE#{id}")
}
fn real_name_review_pk(id: &str) -> String {
    format!("REALNAME#{id}")
}
const QUEUE_PHONE_CHANGES: &str = "QUEUE#PHONE_CHANGE#pending";
const QUEUE_REAL_NAME: &str = "QUEUE#REAL_NAME#pending";

/// An index record pointing at an account (login names, USCCs).
#[derive(Serialize, Deserialize)]
pub(crate) struct Pointer {
    pub(crate) account_id: String,
}

// ---- loading -----------------------------------------------------------------------------------------------------

pub async fn load_account(p: &Platform, id: &str) -> AppResult<Option<Versioned<Account>>> {
    match p.store.get(&account_pk(id), PROFILE).await? {
        Some(item) => Ok(Some(Versioned {
            value: item.decode()?,
            version: item.version,
        })),
        None => Ok(None),
    }
}

async fn require_account(p: &Platform, id: &str) -> AppResult<Versioned<Account>> {
    load_account(p, id)
        .await?
        .ok_or_else(|| AppError::unauthenticated("账户不存在，请重新登录"))
}

async fn follow(p: &Platform, pk: &str) -> AppResult<Option<Versioned<Account>>> {
    match p.store.get(pk, "POINTER").await? {
        Some(item) => load_account(p, &item.decode::<Pointer>()?.account_id).await,
        None => Ok(None),
    }
}

/// Find the account a login string names: a USCC (verified legal persons only) or a login name.
pub async fn resolve_login(p: &Platform, login: &str) -> AppResult<Option<Versioned<Account>>> {
    let login = login.trim();
    if let Ok((uscc, _)) = Uscc::parse_lenient(login) {
        return match follow(p, &uscc_pk(uscc.as_str())).await? {
            Some(acc) if acc.value.may_log_in_with_uscc() => Ok(Some(acc)),
            Some(_) => Err(AppError::new(
                ErrorCode::NaturalPersonNotAllowed,
                "只有完成法人实名认证的账户可以使用统一社会信用代码登录",
            )),
            None => Ok(None),
        };
    }
    match LoginName::parse(login) {
        Ok(name) => follow(p, &login_pk(&name.normalized())).await,
        Err(_) => Ok(None),
    }
}

/// The account a USCC points to (the enterprise's messages go to it), whatever its role.
pub async fn account_for_uscc(p: &Platform, uscc: &str) -> AppResult<Option<Versioned<Account>>> {
    follow(p, &uscc_pk(uscc)).await
}

pub(crate) fn account_item(account: &Account, version: u64) -> Item {
    Item::new(account_pk(&account.id), PROFILE, account).with_version(version)
}

pub(crate) fn pointer_item(pk: String, account_id: &str) -> Item {
    Item::new(
        pk,
        "POINTER",
        &Pointer {
            account_id: account_id.to_owned(),
        },
    )
}

/// Write a changed account (conditioned on the version read) with an event, as one transaction.
async fn save_account(
    p: &Platform,
    acc: &Versioned<Account>,
    extra: Vec<TxOp>,
    event: Event,
) -> AppResult<()> {
    let mut ops = vec![TxOp::Put {
        item: account_item(&acc.value, acc.version + 1),
        cond: Cond::VersionIs(acc.version),
    }];
    ops.extend(extra);
    ops.push(event.tx_op());
    p.store.transact(ops).await.map_err(AppError::from)?;
    // Whatever changed, this process judges the account's sessions afresh from now on.
    p.sessions.forget(&acc.value.id);
    Ok(())
}

pub(crate) async fn send(p: &Platform, channel: Channel, to: &str, body: String) -> AppResult<()> {
    p.notifier
        .send(OutgoingMessage {
            channel,
            to: to.to_owned(),
            body,
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "notifier failed");
            AppError::new(ErrorCode::Unavailable, "短信/邮件发送失败，请稍后重试").retry_after(30)
        })
}

// ---- shared by the recovery paths ---------------------------------------------------------------------------------

/// One read of an item that never exists: unknown logins make the same number of store round trips as known ones
/// (an account lookup is a pointer read plus the account read).
pub(super) async fn decoy_read(p: &Platform) -> AppResult<()> {
    p.store.get("DECOY", "READ").await?;
    Ok(())
}

/// One short-lived write standing in for a message that cannot be sent (no account, no e-mail address), so the
/// request costs what it would have cost.
pub(super) async fn decoy_write(p: &Platform, what: &str) -> AppResult<()> {
    let expires = p.clock.now().unix_timestamp() + 60;
    let item = Item::new(
        "DECOY",
        format!("{what}#{}", new_id(p.clock.now())),
        &json!({}),
    )
    .expiring_at(expires);
    p.store.put(item, Cond::Always).await?;
    Ok(())
}

/// Send, or stand in for sending when there is nobody to send to.
pub(super) async fn send_or_decoy(
    p: &Platform,
    channel: Channel,
    to: Option<&str>,
    body: String,
) -> AppResult<()> {
    match to {
        Some(to) => send(p, channel, to, body).await,
        None => decoy_write(p, "SEND").await,
    }
}

/// Masked for messages and operators: 138****5678.
pub fn mask_phone(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "***".into()
    }
}

// Recovery caps (per login string and per client address; unknown logins are counted alike).
pub(super) const RESET_PER_LOGIN: &[Limit] = &[Limit::per_hour(5), Limit::per_day(10)];
pub(super) const RESET_PER_ADDRESS: &[Limit] = &[Limit::per_hour(30), Limit::per_day(100)];
pub(super) const PHONE_CHANGE_PER_LOGIN: &[Limit] = &[Limit::per_hour(3), Limit::per_day(5)];
pub(super) const PHONE_CHANGE_PER_ADDRESS: &[Limit] = &[Limit::per_hour(10), Limit::per_day(30)];
/// Code confirmations per address (each code also dies after its own 5 wrong tries and 10 minutes).
pub(super) const CONFIRM_PER_ADDRESS: &[Limit] = &[Limit::per_minutes(10, 10), Limit::per_day(60)];

/// Count a code confirmation from `client_addr`, or refuse it.
pub async fn take_confirmation(p: &Platform, client_addr: &str) -> AppResult<()> {
    limits::take(
        p,
        &[(
            limits::address_subject("CONFIRM", client_addr),
            CONFIRM_PER_ADDRESS,
        )],
    )
    .await
}
