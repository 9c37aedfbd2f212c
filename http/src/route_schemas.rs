//! The one map from a route to the types of its request body and its answer. The OpenAPI document is built
//! from it (names and schemas come from the types themselves), and the handlers decode and encode the same
//! types, so a route, its handler and its schemas are declared once.

use crate::common::{HealthAnswer, OpenApiDocument};
use crate::described::{Described, of, page_of};
use crate::dto::*;
use crate::routes::RouteId;
use crate::views::DeclarationView;
use crate::views::accounts::*;
use shared::domain::enterprise::ProfileInput;
use shared::rules::{industry::IndustryEntry, region::RegionEntry};
use shared::services::accounts::{PhoneChangeRequest, RealNameRequest};
use shared::services::application::{VerificationAnswer, VerifyKeyAnswer};
use shared::services::change_reports::{ChangeReportView, NewChangeReport};
use shared::services::declarations::{HistoryEntry, NewDeclaration, WithdrawRequest};
use shared::services::enterprise_views::{Advice, EnterpriseView};
use shared::services::evidence::{Evidence, Listed, UploadRequest, UploadTicket};
use shared::services::imports::{ImportRequest, ImportResult};
use shared::services::info_updates::InfoUpdateView;
use shared::services::messages::{MessagePage, MessageView};
use shared::services::publicity::{NewPublicity, Objection, PublicityList, RecognitionBatch};
use shared::services::records::DigitalAssessmentRecord;
use shared::services::rereviews::{Eligibility, EligibilityRequest};
use shared::services::review::{DecisionRequest, NewOfficial, RevocationRequest};
use shared::services::review_views::{
    AdminEnterpriseView, CreatedOfficial, QueueEntry, RevocationResult,
};
use shared::services::uscc_claims::{ClaimReview, UsccClaim, UsccClaimRequest};
use shared::services::windows::{NewWindow, Window, WindowChange};

/// The JSON body a route takes, if any.
pub fn body(id: RouteId) -> Option<Described> {
    use RouteId::*;
    Some(match id {
        CreateAccount => of::<CreateAccountBody>(),
        RealName => of::<RealNameRequest>(),
        CreateSession => of::<SessionBody>(),
        RequestPasswordReset => of::<ResetRequestBody>(),
        ConfirmPasswordReset => of::<ResetConfirmBody>(),
        RequestPhoneChange => of::<PhoneChangeRequest>(),
        ConfirmPhoneChange => of::<CodeBody>(),
        DecidePhoneChange | DecideRealNameReview | DecideUsccClaim => of::<DecisionBody>(),
        PutEnterprise => of::<ProfileInput>(),
        CreateDeclaration => of::<NewDeclaration>(),
        SaveDeclaration | SaveReReview => of::<SaveDeclarationBody>(),
        CreateDigitalAssessment => of::<DigitalAssessmentBody>(),
        CreateEvidence | CreateUpdateEvidence => of::<UploadRequest>(),
        CreatePhoneChangeDocument | CreateClaimDocument => of::<UploadRequest>(),
        WithdrawDeclaration | WithdrawInfoUpdate | WithdrawReReview => of::<WithdrawRequest>(),
        CreateWindow => of::<NewWindow>(),
        ChangeWindow => of::<WindowChange>(),
        CreateOfficial => of::<NewOfficial>(),
        DecideDeclaration | DecideReReview => of::<DecisionRequest>(),
        PublishPublicity => of::<NewPublicity>(),
        ObjectPublicity => of::<Objection>(),
        SaveInfoUpdate => of::<InfoUpdateBody>(),
        DecideInfoUpdate | DecideChangeReport => of::<AcceptReturnBody>(),
        CreateReReview => of::<TierBody>(),
        ReReviewEligibility => of::<EligibilityRequest>(),
        CreateChangeReport => of::<NewChangeReport>(),
        Revoke => of::<RevocationRequest>(),
        ImportRecognitions => of::<ImportRequest>(),
        CreateUsccClaim => of::<UsccClaimRequest>(),
        _ => return None,
    })
}

/// The JSON a route answers with on success, if it answers JSON.
pub fn response(id: RouteId) -> Option<Described> {
    use RouteId::*;
    Some(match id {
        Health(_) => of::<HealthAnswer>(),
        OpenApi => of::<OpenApiDocument>(),
        // accounts and sessions
        GetMyAccount => of::<AccountView>(),
        CreateAccount => of::<CreatedAccount>(),
        CreateSession => of::<SessionView>(),
        RealName => of::<RealNameResult>(),
        RequestPasswordReset => of::<MessageAnswer>(),
        RequestPhoneChange | GetPhoneChange | ConfirmPhoneChange => of::<PhoneChangeView>(),
        ListPhoneChanges => page_of::<OperatorPhoneChange>(),
        DecidePhoneChange => of::<OperatorPhoneChange>(),
        GetPhoneChangeReview => of::<PhoneChangeReview>(),
        ListRealNameReviews => page_of::<RealNameReviewView>(),
        DecideRealNameReview => of::<RealNameReviewView>(),
        CreateUsccClaim => of::<FiledClaim>(),
        GetUsccClaim | DecideUsccClaim => of::<UsccClaim>(),
        ListUsccClaims => page_of::<UsccClaim>(),
        GetUsccClaimReview => of::<ClaimReview>(),
        // catalogs, the profile, the advisor, the digital assessment
        CatalogRegions => page_of::<RegionEntry>(),
        CatalogIndustries => page_of::<IndustryEntry>(),
        GetEnterprise | PutEnterprise => of::<EnterpriseView>(),
        GetAdvice => of::<Advice>(),
        GetDigitalQuestionnaire => of::<shared::rules::digital::Questionnaire>(),
        CreateDigitalAssessment | GetLatestDigitalAssessment => of::<DigitalAssessmentRecord>(),
        // declarations and re-reviews
        ListDeclarations | ListReReviews => page_of::<DeclarationView>(),
        CreateDeclaration | GetDeclaration | SaveDeclaration | SubmitDeclaration => {
            of::<DeclarationView>()
        }
        WithdrawDeclaration | CreateReReview | SaveReReview | SubmitReReview | WithdrawReReview => {
            of::<DeclarationView>()
        }
        StartReview | DecideDeclaration | ObjectPublicity | DecideReReview => {
            of::<DeclarationView>()
        }
        GetHistory => page_of::<HistoryEntry>(),
        ReReviewEligibility => of::<Eligibility>(),
        // evidence and documents
        CreateEvidence | CreateUpdateEvidence => of::<UploadTicket>(),
        CreatePhoneChangeDocument | CreateClaimDocument => of::<UploadTicket>(),
        CompleteEvidence | CompleteUpdateEvidence => of::<Evidence>(),
        CompletePhoneChangeDocument | CompleteClaimDocument => of::<Evidence>(),
        ListEvidence | ListUpdateEvidence => page_of::<Listed>(),
        ListPhoneChangeDocuments | ListClaimDocuments => page_of::<Listed>(),
        // messages
        ListMessages => of::<MessagePage>(),
        ReadMessage => of::<MessageView>(),
        // after recognition
        CreateInfoUpdate | SaveInfoUpdate | SubmitInfoUpdate | WithdrawInfoUpdate => {
            of::<InfoUpdateView>()
        }
        DecideInfoUpdate => of::<InfoUpdateView>(),
        ListInfoUpdates => page_of::<InfoUpdateView>(),
        CreateChangeReport | DecideChangeReport => of::<ChangeReportView>(),
        ListChangeReports => page_of::<ChangeReportView>(),
        // the workbench
        Queue => page_of::<QueueEntry>(),
        ImportRecognitions => of::<ImportResult>(),
        ListWindows => page_of::<Window>(),
        CreateWindow | ChangeWindow => of::<Window>(),
        CreateOfficial => of::<CreatedOfficial>(),
        PublishPublicity | GetPublicity | ClosePublicity => of::<PublicityList>(),
        ListPublicity => page_of::<PublicityList>(),
        AdminEnterprise => of::<AdminEnterpriseView>(),
        RouteId::Statistics => of::<shared::services::statistics::Statistics>(),
        Revoke => of::<RevocationResult>(),
        // public
        PublicRecognitions => page_of::<RecognitionBatch>(),
        VerifyApplication => of::<VerificationAnswer>(),
        VerifyKey => of::<VerifyKeyAnswer>(),
        _ => return None,
    })
}
