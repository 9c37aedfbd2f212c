//! The one route table: every public route of the platform, the function that serves it under Lambda, and who
//! may call it. The Lambda functions, the local runner, `template.yaml` (checked by a test) and the OpenAPI
//! document are all derived from or checked against this table.

/// The six Lambda functions of the design card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Function {
    Register,
    Declare,
    Upload,
    Withdraw,
    Review,
    Notify,
}

impl Function {
    pub const ALL: [Function; 6] = [
        Function::Register,
        Function::Declare,
        Function::Upload,
        Function::Withdraw,
        Function::Review,
        Function::Notify,
    ];

    /// The crate, binary and `functions/` folder name.
    pub fn name(self) -> &'static str {
        match self {
            Function::Register => "register",
            Function::Declare => "declare",
            Function::Upload => "upload",
            Function::Withdraw => "withdraw",
            Function::Review => "review",
            Function::Notify => "notify",
        }
    }

    /// The logical id of the function's resource in `template.yaml`.
    pub fn resource_name(self) -> &'static str {
        match self {
            Function::Register => "RegisterFunction",
            Function::Declare => "DeclareFunction",
            Function::Upload => "UploadFunction",
            Function::Withdraw => "WithdrawFunction",
            Function::Review => "ReviewFunction",
            Function::Notify => "NotifyFunction",
        }
    }
}

/// Who may call a route (checked again in the domain service; this is for documentation and the matrix tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// No token needed.
    Public,
    /// Any authenticated account.
    Account,
    /// A platform operator.
    Operator,
}

/// One route per variant; each function maps the ids it serves to handlers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RouteId {
    Health(Function),
    OpenApi,
    CreateAccount,
    GetMyAccount,
    RealName,
    CreateSession,
    DeleteCurrentSession,
    RequestPasswordReset,
    ConfirmPasswordReset,
    RequestPhoneChange,
    GetPhoneChange,
    ConfirmPhoneChange,
    ListPhoneChanges,
    DecidePhoneChange,
    ListRealNameReviews,
    DecideRealNameReview,
    // declare
    CatalogRegions,
    CatalogIndustries,
    GetEnterprise,
    PutEnterprise,
    GetAdvice,
    GetDigitalQuestionnaire,
    CreateDigitalAssessment,
    GetLatestDigitalAssessment,
    ListDeclarations,
    CreateDeclaration,
    GetDeclaration,
    SaveDeclaration,
    SubmitDeclaration,
    GetApplication,
    GetHistory,
    VerifyApplication,
    VerifyKey,
    // upload
    CreateEvidence,
    CompleteEvidence,
    ListEvidence,
    DeleteEvidence,
    // withdraw
    WithdrawDeclaration,
    // review
    ListWindows,
    CreateWindow,
    ChangeWindow,
    CreateOfficial,
    StartReview,
    DecideDeclaration,
    Queue,
    PublishPublicity,
    ListPublicity,
    GetPublicity,
    ObjectPublicity,
    ClosePublicity,
    AdminEnterprise,
    Statistics,
    PublicRecognitions,
    // notify
    ListMessages,
    ReadMessage,
    // after recognition (declare, withdraw, review)
    CreateInfoUpdate,
    ListInfoUpdates,
    SaveInfoUpdate,
    SubmitInfoUpdate,
    WithdrawInfoUpdate,
    DecideInfoUpdate,
    CreateUpdateEvidence,
    CompleteUpdateEvidence,
    ListUpdateEvidence,
    DeleteUpdateEvidence,
    CreateReReview,
    ListReReviews,
    SaveReReview,
    SubmitReReview,
    WithdrawReReview,
    DecideReReview,
    ReReviewEligibility,
    CreateChangeReport,
    ListChangeReports,
    DecideChangeReport,
    Revoke,
    ImportRecognitions,
    // documents of manual checks (人工核验) and USCC claims (issue 11 §1, §3)
    CreatePhoneChangeDocument,
    CompletePhoneChangeDocument,
    ListPhoneChangeDocuments,
    GetPhoneChangeReview,
    CreateUsccClaim,
    GetUsccClaim,
    CreateClaimDocument,
    CompleteClaimDocument,
    ListClaimDocuments,
    ListUsccClaims,
    GetUsccClaimReview,
    DecideUsccClaim,
}

#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub id: RouteId,
    pub function: Function,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// Path with `{param}` placeholders, as API Gateway and axum both write them.
    pub path: &'static str,
    pub access: Access,
    /// One line for people (OpenAPI summary).
    pub summary: &'static str,
}

const fn route(
    id: RouteId,
    function: Function,
    method: &'static str,
    path: &'static str,
    access: Access,
    summary: &'static str,
) -> Route {
    Route {
        id,
        function,
        method,
        path,
        access,
        summary,
    }
}

use Access::*;
use Function::*;
use RouteId::*;

#[rustfmt::skip]
pub static ROUTES: &[Route] = &[
    // Each function's own health route, so every function is reachable and wired from day one.
    route(
        Health(Register),
        Register,
        "GET",
        "/v1/health/register",
        Public,
        "register 函数健康检查",
    ),
    route(
        Health(Declare),
        Declare,
        "GET",
        "/v1/health/declare",
        Public,
        "declare 函数健康检查",
    ),
    route(
        Health(Upload),
        Upload,
        "GET",
        "/v1/health/upload",
        Public,
        "upload 函数健康检查",
    ),
    route(
        Health(Withdraw),
        Withdraw,
        "GET",
        "/v1/health/withdraw",
        Public,
        "withdraw 函数健康检查",
    ),
    route(
        Health(Review),
        Review,
        "GET",
        "/v1/health/review",
        Public,
        "review 函数健康检查",
    ),
    route(
        Health(Notify),
        Notify,
        "GET",
        "/v1/health/notify",
        Public,
        "notify 函数健康检查",
    ),
    route(
        OpenApi,
        Register,
        "GET",
        "/v1/openapi.json",
        Public,
        "OpenAPI 3.1 接口描述",
    ),
    // register
    route(
        CreateAccount,
        Register,
        "POST",
        "/v1/accounts",
        Public,
        "注册账户",
    ),
    route(
        GetMyAccount,
        Register,
        "GET",
        "/v1/accounts/me",
        Account,
        "当前账户信息",
    ),
    route(
        RealName,
        Register,
        "POST",
        "/v1/accounts/me/real-name",
        Account,
        "实名认证",
    ),
    route(
        CreateSession,
        Register,
        "POST",
        "/v1/sessions",
        Public,
        "登录（登录名或统一社会信用代码）",
    ),
    route(
        DeleteCurrentSession,
        Register,
        "DELETE",
        "/v1/sessions/current",
        Account,
        "退出登录（当前登录凭证立即失效）",
    ),
    route(
        RequestPasswordReset,
        Register,
        "POST",
        "/v1/password-resets",
        Public,
        "找回密码：发送短信验证码",
    ),
    route(
        ConfirmPasswordReset,
        Register,
        "POST",
        "/v1/password-resets/confirm",
        Public,
        "找回密码：验证码 + 新密码",
    ),
    route(
        RequestPhoneChange,
        Register,
        "POST",
        "/v1/phone-changes",
        Public,
        "申请更换手机号（邮箱验证或人工核验）",
    ),
    route(
        GetPhoneChange,
        Register,
        "GET",
        "/v1/phone-changes/{id}",
        Public,
        "查询更换手机号申请（需查询码）",
    ),
    route(
        ConfirmPhoneChange,
        Register,
        "POST",
        "/v1/phone-changes/{id}/confirm",
        Public,
        "更换手机号：提交邮箱验证码",
    ),
    // review (operators' manual checks)
    route(
        ListPhoneChanges,
        Review,
        "GET",
        "/v1/admin/phone-changes",
        Operator,
        "待人工核验的更换手机号申请",
    ),
    route(
        DecidePhoneChange,
        Review,
        "POST",
        "/v1/admin/phone-changes/{id}/decision",
        Operator,
        "人工核验更换手机号：通过或驳回",
    ),
    route(
        ListRealNameReviews,
        Review,
        "GET",
        "/v1/admin/real-name-reviews",
        Operator,
        "待人工核验的实名认证",
    ),
    route(
        DecideRealNameReview,
        Review,
        "POST",
        "/v1/admin/real-name-reviews/{id}/decision",
        Operator,
        "人工核验实名认证：通过或驳回",
    ),
    // declare
    route(CatalogRegions, Declare, "GET", "/v1/catalog/regions", Public, "行政区划代码（逐级，?parent=）"),
    route(CatalogIndustries, Declare, "GET", "/v1/catalog/industries", Public, "国民经济行业分类（逐级，?parent=）"),
    route(GetEnterprise, Declare, "GET", "/v1/enterprise", Account, "企业基本信息与资质"),
    route(PutEnterprise, Declare, "PUT", "/v1/enterprise", Account, "保存企业基本信息（If-Match）"),
    route(GetAdvice, Declare, "GET", "/v1/enterprise/advice", Account, "梯度申报建议：各梯度条件、得分与缺项"),
    route(GetDigitalQuestionnaire, Declare, "GET", "/v1/digital-assessments/questionnaire", Account, "数字化水平自评测问卷"),
    route(CreateDigitalAssessment, Declare, "POST", "/v1/digital-assessments", Account, "提交数字化水平自评测"),
    route(GetLatestDigitalAssessment, Declare, "GET", "/v1/digital-assessments/latest", Account, "最近一次数字化水平自评测结果"),
    route(ListDeclarations, Declare, "GET", "/v1/declarations", Account, "我的申报"),
    route(CreateDeclaration, Declare, "POST", "/v1/declarations", Account, "新建申报草稿 {tier, year?}"),
    route(GetDeclaration, Declare, "GET", "/v1/declarations/{id}", Account, "申报详情"),
    route(SaveDeclaration, Declare, "PUT", "/v1/declarations/{id}", Account, "暂存申报表（If-Match）"),
    route(SubmitDeclaration, Declare, "POST", "/v1/declarations/{id}/submit", Account, "提交申报"),
    route(GetApplication, Declare, "GET", "/v1/declarations/{id}/application", Account, "申请书：可打印 HTML，或 PDF（?format=pdf 或 Accept: application/pdf）；含快照 SHA-256、平台签名与核验二维码"),
    route(GetHistory, Declare, "GET", "/v1/declarations/{id}/history", Account, "申报操作记录"),
    route(VerifyApplication, Declare, "GET", "/v1/public/verify/{declaration_id}", Public, "申请书核验（?digest=）：一致 / 不一致"),
    route(VerifyKey, Declare, "GET", "/v1/public/verify-key", Public, "申请书签名公钥（Ed25519），用于离线核验签名"),
    // upload
    route(CreateEvidence, Upload, "POST", "/v1/declarations/{id}/evidence", Account, "申请上传证明材料（预签名地址）"),
    route(CompleteEvidence, Upload, "POST", "/v1/declarations/{id}/evidence/{evidence_id}/complete", Account, "确认上传完成（校验大小、SHA-256、文件类型）"),
    route(ListEvidence, Upload, "GET", "/v1/declarations/{id}/evidence", Account, "证明材料列表（含临时下载地址）"),
    route(DeleteEvidence, Upload, "DELETE", "/v1/declarations/{id}/evidence/{evidence_id}", Account, "删除证明材料（仅可编辑时）"),
    // withdraw
    route(WithdrawDeclaration, Withdraw, "POST", "/v1/declarations/{id}/withdraw", Account, "撤回申报 {mode: cancel|modify}"),
    // review (windows)
    route(ListWindows, Review, "GET", "/v1/admin/windows", Account, "申报时间列表（?tier=&year=）"),
    route(CreateWindow, Review, "POST", "/v1/admin/windows", Account, "设置申报时间"),
    route(ChangeWindow, Review, "PATCH", "/v1/admin/windows/{id}", Account, "修改申报时间的开始或截止时间（If-Match）"),
    route(CreateOfficial, Review, "POST", "/v1/admin/officials", Account, "创建主管部门账户 {login_name, password, phone, level, region}"),
    route(StartReview, Review, "POST", "/v1/admin/declarations/{id}/start", Account, "开始审核（未审核 → 审核中）"),
    route(DecideDeclaration, Review, "POST", "/v1/admin/declarations/{id}/decision", Account, "审核意见 {decision: pass|return|reject, comment}"),
    route(Queue, Review, "GET", "/v1/admin/queue", Account, "本级本辖区待办（?kind=&tier=&status=&region=&industry=，最早的在前）"),
    route(PublishPublicity, Review, "POST", "/v1/admin/publicity", Account, "发布公示名单 {tier, days?, declaration_ids?}"),
    route(ListPublicity, Review, "GET", "/v1/admin/publicity", Account, "本级本辖区的公示名单（最新在前，?status=open|closed）"),
    route(GetPublicity, Review, "GET", "/v1/admin/publicity/{id}", Account, "公示名单详情"),
    route(ObjectPublicity, Review, "POST", "/v1/admin/publicity/{id}/objection", Account, "公示异议：撤出名单（不通过）{declaration_id, reason}"),
    route(ClosePublicity, Review, "POST", "/v1/admin/publicity/{id}/close", Account, "公示期满办结：认定名单内企业"),
    route(AdminEnterprise, Review, "GET", "/v1/admin/enterprises/{uscc}", Account, "辖区企业：基本信息、资质、申报"),
    route(Statistics, Review, "GET", "/v1/admin/statistics", Account, "辖区统计（?format=csv）"),
    route(PublicRecognitions, Review, "GET", "/v1/public/recognitions", Public, "已认定企业名单（按梯度、批次）"),
    // notify
    route(ListMessages, Notify, "GET", "/v1/messages", Account, "我的消息（最新在前，含未读数）"),
    route(ReadMessage, Notify, "POST", "/v1/messages/{id}/read", Account, "标记消息已读"),
    // after recognition
    route(CreateInfoUpdate, Declare, "POST", "/v1/info-updates", Account, "新建本年度信息更新"),
    route(ListInfoUpdates, Declare, "GET", "/v1/info-updates", Account, "我的年度信息更新"),
    route(SaveInfoUpdate, Declare, "PUT", "/v1/info-updates/{id}", Account, "暂存年度信息更新 {profile}（If-Match）"),
    route(SubmitInfoUpdate, Declare, "POST", "/v1/info-updates/{id}/submit", Account, "提交年度信息更新"),
    route(WithdrawInfoUpdate, Withdraw, "POST", "/v1/info-updates/{id}/withdraw", Account, "撤回年度信息更新 {mode: cancel|modify}"),
    route(CreateUpdateEvidence, Upload, "POST", "/v1/info-updates/{id}/evidence", Account, "信息更新证明材料（可选）：申请上传"),
    route(CompleteUpdateEvidence, Upload, "POST", "/v1/info-updates/{id}/evidence/{evidence_id}/complete", Account, "信息更新证明材料：确认上传完成"),
    route(ListUpdateEvidence, Upload, "GET", "/v1/info-updates/{id}/evidence", Account, "信息更新证明材料列表"),
    route(DeleteUpdateEvidence, Upload, "DELETE", "/v1/info-updates/{id}/evidence/{evidence_id}", Account, "删除信息更新证明材料"),
    route(DecideInfoUpdate, Review, "POST", "/v1/admin/info-updates/{id}/decision", Account, "年度信息更新：通过或退回 {decision: accept|return, comment}"),
    route(CreateReReview, Declare, "POST", "/v1/re-reviews", Account, "新建复核申请 {tier}"),
    route(ListReReviews, Declare, "GET", "/v1/re-reviews", Account, "我的复核申请"),
    route(SaveReReview, Declare, "PUT", "/v1/re-reviews/{id}", Account, "暂存复核申请表（If-Match）"),
    route(SubmitReReview, Declare, "POST", "/v1/re-reviews/{id}/submit", Account, "提交复核申请"),
    route(WithdrawReReview, Withdraw, "POST", "/v1/re-reviews/{id}/withdraw", Account, "撤回复核申请 {mode: cancel|modify}"),
    route(DecideReReview, Review, "POST", "/v1/admin/re-reviews/{id}/decision", Account, "复核审核意见 {decision: pass|return|reject, comment}"),
    route(ReReviewEligibility, Review, "POST", "/v1/admin/enterprises/{uscc}/re-review-eligibility", Account, "标记企业符合复核条件 {tier}"),
    route(CreateChangeReport, Declare, "POST", "/v1/change-reports", Account, "报告重大变化 {kind, occurred_on, details}"),
    route(ListChangeReports, Declare, "GET", "/v1/change-reports", Account, "我的重大变化报告"),
    route(DecideChangeReport, Review, "POST", "/v1/admin/change-reports/{id}/decision", Account, "重大变化报告：通过或退回 {decision: accept|return, comment}"),
    route(Revoke, Review, "POST", "/v1/admin/enterprises/{uscc}/revocation", Account, "撤销资质 {tier, reason}"),
    route(ImportRecognitions, Review, "POST", "/v1/admin/recognitions/import", Account, "导入平台上线前的认定名单 {csv}（省级）"),
    // documents of manual checks and USCC claims
    route(CreatePhoneChangeDocument, Upload, "POST", "/v1/phone-changes/{id}/documents", Public, "人工核验更换手机号：申请上传证明材料（?code= 查询码）"),
    route(CompletePhoneChangeDocument, Upload, "POST", "/v1/phone-changes/{id}/documents/{document_id}/complete", Public, "人工核验更换手机号：确认证明材料上传完成（?code= 查询码）"),
    route(ListPhoneChangeDocuments, Upload, "GET", "/v1/phone-changes/{id}/documents", Public, "人工核验更换手机号：证明材料列表（?code= 查询码）"),
    route(GetPhoneChangeReview, Review, "GET", "/v1/admin/phone-changes/{id}", Operator, "人工核验更换手机号：申请、证明材料与账户备案信息"),
    route(CreateUsccClaim, Register, "POST", "/v1/uscc-claims", Account, "认领被其他账户认证的统一社会信用代码"),
    route(GetUsccClaim, Register, "GET", "/v1/uscc-claims/{id}", Account, "我的认领申请"),
    route(CreateClaimDocument, Upload, "POST", "/v1/uscc-claims/{id}/documents", Account, "认领申请：申请上传证明材料（营业执照、法定代表人身份证件等）"),
    route(CompleteClaimDocument, Upload, "POST", "/v1/uscc-claims/{id}/documents/{document_id}/complete", Account, "认领申请：确认证明材料上传完成"),
    route(ListClaimDocuments, Upload, "GET", "/v1/uscc-claims/{id}/documents", Account, "认领申请：证明材料列表"),
    route(ListUsccClaims, Review, "GET", "/v1/admin/uscc-claims", Operator, "待人工核验的统一社会信用代码认领申请"),
    route(GetUsccClaimReview, Review, "GET", "/v1/admin/uscc-claims/{id}", Operator, "认领申请：申请人与现持有账户对照、证明材料"),
    route(DecideUsccClaim, Review, "POST", "/v1/admin/uscc-claims/{id}/decision", Operator, "认领申请：通过（代码转入申请人账户）或驳回"),
];

/// The routes one function serves.
pub fn routes_of(function: Function) -> impl Iterator<Item = &'static Route> {
    ROUTES.iter().filter(move |r| r.function == function)
}

pub fn find_route(id: RouteId) -> &'static Route {
    ROUTES
        .iter()
        .find(|r| r.id == id)
        .expect("every RouteId is in the table")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_method_and_path_appears_once() {
        let mut seen = HashSet::new();
        for r in ROUTES {
            assert!(
                seen.insert((r.method, r.path)),
                "{} {} twice",
                r.method,
                r.path
            );
        }
    }

    #[test]
    fn every_function_serves_at_least_its_health_route() {
        for f in Function::ALL {
            assert!(routes_of(f).any(|r| r.id == RouteId::Health(f)));
        }
    }
}
