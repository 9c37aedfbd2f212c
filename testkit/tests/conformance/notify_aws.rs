//! The SNS (SMS) and SES v2 (e-mail) notifier against the moto server: what moto recorded is read back from its
//! `/moto-api/data.json` (SNS `SMS`, SES `Message` models).

use serde_json::Value;

use shared::ports::{Channel, Notifier, OutgoingMessage};
use sme_aws::notify_aws::{AwsNotifier, local_ses_client, local_sns_client};
use sme_testkit::moto::moto_endpoint;

async fn moto_models(endpoint: &str) -> Value {
    reqwest::get(format!("{endpoint}/moto-api/data.json"))
        .await
        .expect("moto data")
        .json()
        .await
        .expect("json")
}

fn recorded<'a>(models: &'a Value, service: &str, model: &str) -> Vec<&'a Value> {
    models[service][model]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn sms_go_through_sns_and_e_mail_through_ses_from_the_verified_sender() {
    let endpoint = moto_endpoint().await;
    let ses = local_ses_client(&endpoint);
    let from = format!(
        "noreply-{}@sme.example.cn",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    ses.create_email_identity()
        .email_identity(&from)
        .send()
        .await
        .expect("verify the sender on moto");
    let notifier = AwsNotifier::new(local_sns_client(&endpoint), ses.clone(), Some(from.clone()));

    let marker = ulid::Ulid::new().to_string();
    notifier
        .send(OutgoingMessage {
            channel: Channel::Sms,
            to: "13912345678".into(),
            body: format!("【优质中小企业梯度培育平台】申报被退回 {marker}"),
        })
        .await
        .expect("SMS via SNS");
    notifier
        .send(OutgoingMessage {
            channel: Channel::Email,
            to: "finance@gear.example.cn".into(),
            body: format!("您的申报已被认定 {marker}"),
        })
        .await
        .expect("e-mail via SES");

    let models = moto_models(&endpoint).await;
    let sms: Vec<_> = recorded(&models, "sns", "SMS")
        .into_iter()
        .filter(|m| m["message"].as_str().is_some_and(|b| b.contains(&marker)))
        .collect();
    assert_eq!(sms.len(), 1, "{models}");
    assert_eq!(sms[0]["phone_number"], "+8613912345678");
    let mail: Vec<_> = recorded(&models, "ses", "Message")
        .into_iter()
        .filter(|m| m["body"].as_str().is_some_and(|b| b.contains(&marker)))
        .collect();
    assert_eq!(mail.len(), 1, "{models}");
    assert_eq!(mail[0]["source"], Value::String(from));

    // Without a verified sender SES refuses, and the notifier says so.
    let unverified = AwsNotifier::new(
        local_sns_client(&endpoint),
        ses,
        Some("nobody@unverified.example.cn".into()),
    );
    let err = unverified
        .send(OutgoingMessage {
            channel: Channel::Email,
            to: "finance@gear.example.cn".into(),
            body: "x".into(),
        })
        .await
        .expect_err("unverified sender");
    assert!(err.0.contains("SES"), "{err}");
}
