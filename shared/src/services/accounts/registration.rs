//! Registration (账户注册), who am I, and the first operator at start-up.

use super::*;

pub struct Registration {
    pub login_name: LoginName,
    pub password: Password,
    pub phone: Phone,
    pub email: Option<Email>,
}

impl Registration {
    /// Parse every field, reporting all invalid ones at once.
    pub fn parse(
        login_name: &str,
        password: &str,
        phone: &str,
        email: Option<&str>,
    ) -> AppResult<Self> {
        let mut errors = Vec::new();
        let login_name = LoginName::parse(login_name)
            .map_err(|e| {
                errors.push(FieldError::new(
                    "login_name",
                    "INVALID_LOGIN_NAME",
                    e.to_string(),
                ))
            })
            .ok();
        let password = Password::parse(password)
            .map_err(|e| errors.push(FieldError::new("password", "WEAK_PASSWORD", e.to_string())))
            .ok();
        let phone = Phone::parse(phone)
            .map_err(|e| errors.push(FieldError::new("phone", "INVALID_PHONE", e.to_string())))
            .ok();
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(raw) => Email::parse(raw)
                .map_err(|e| errors.push(FieldError::new("email", "INVALID_EMAIL", e.to_string())))
                .ok(),
            None => None,
        };
        match (login_name, password, phone) {
            (Some(login_name), Some(password), Some(phone)) if errors.is_empty() => {
                Ok(Registration {
                    login_name,
                    password,
                    phone,
                    email,
                })
            }
            _ => Err(AppError::validation(errors)),
        }
    }
}

/// Create an account; `fixed_role` and `official` are for operators and officials created by the platform.
pub async fn register(
    p: &Platform,
    reg: Registration,
    fixed_role: Option<Role>,
    official: Option<crate::domain::account::OfficialScope>,
    actor: Option<&str>,
) -> AppResult<Account> {
    let now = p.clock.now();
    let hash = passwords::hash(&p.policy, reg.password.expose().to_owned()).await?;
    let account = Account {
        id: new_id(now),
        login_name: reg.login_name.as_str().to_owned(),
        password_hash: hash,
        phone: reg.phone.expose().to_owned(),
        email: reg.email.map(|e| e.as_str().to_owned()),
        fixed_role,
        official,
        verification: Verification::Unverified,
        created_at: now,
        password_changed_at: now,
        session_generation: 0,
        revoked_sessions: Vec::new(),
    };
    let event = Event::new(
        "account.registered",
        &account_pk(&account.id),
        actor.or(Some(&account.id)),
        now,
        json!({"role": account.role()}),
    );
    let mut tx = Tx::new();
    tx.named(
        "login name",
        TxOp::Put {
            item: pointer_item(login_pk(&reg.login_name.normalized()), &account.id),
            cond: Cond::Absent,
        },
    );
    tx.extend([
        TxOp::Put {
            item: account_item(&account, 1),
            cond: Cond::Absent,
        },
        event.tx_op(),
    ]);
    match tx.commit(p).await {
        Ok(()) => Ok(account),
        Err(TxError::Condition("login name")) => Err(AppError::new(
            ErrorCode::LoginTaken,
            "该登录名已被注册，请换一个登录名",
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn me(p: &Platform, caller: &Principal) -> AppResult<Account> {
    Ok(require_account(p, caller.account_id()).await?.value)
}

/// Create the first operator from `login:password` if that login does not exist yet. Returns whether it was created.
pub async fn bootstrap_operator(p: &Platform, spec: &str) -> AppResult<bool> {
    let (login, password) = spec.split_once(':').ok_or_else(|| {
        AppError::field("SME_BOOTSTRAP_OPERATOR", "INVALID", "格式应为 登录名:密码")
    })?;
    let reg = Registration::parse(login, password, "13800000000", None)?;
    if follow(p, &login_pk(&reg.login_name.normalized()))
        .await?
        .is_some()
    {
        return Ok(false);
    }
    match register(p, reg, Some(Role::Operator), None, None).await {
        Ok(_) => Ok(true),
        Err(e) if e.code == ErrorCode::LoginTaken => Ok(false),
        Err(e) => Err(e),
    }
}
