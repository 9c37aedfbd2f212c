//! The `Notifier` on AWS: SMS through Amazon SNS (`Publish` to a phone number, transactional), e-mail through
//! Amazon SES v2 (`SendEmail` from the configured, verified sender `SME_MAIL_FROM`). Only the notify function holds
//! these clients (and the IAM rights); the other functions queue their SMS/e-mail in the outbox, which the notify
//! function relays from the stream.

use async_trait::async_trait;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use aws_sdk_sns::types::MessageAttributeValue;

use shared::ports::{Channel, Notifier, NotifyError, OutgoingMessage};

/// The subject line of every e-mail.
pub const EMAIL_SUBJECT: &str = "优质中小企业梯度培育平台通知";

pub struct AwsNotifier {
    sns: aws_sdk_sns::Client,
    ses: aws_sdk_sesv2::Client,
    from: Option<String>,
}

impl AwsNotifier {
    pub fn new(sns: aws_sdk_sns::Client, ses: aws_sdk_sesv2::Client, from: Option<String>) -> Self {
        AwsNotifier { sns, ses, from }
    }
}

/// A mainland number as stored (`13912345678`) in E.164 (`+8613912345678`); numbers with a `+` stay as they are.
pub fn e164(phone: &str) -> String {
    let digits = phone.trim();
    if digits.starts_with('+') {
        digits.to_owned()
    } else {
        format!("+86{digits}")
    }
}

fn content(text: &str) -> Result<Content, NotifyError> {
    Content::builder()
        .data(text)
        .charset("UTF-8")
        .build()
        .map_err(|e| NotifyError(e.to_string()))
}

#[async_trait]
impl Notifier for AwsNotifier {
    async fn send(&self, message: OutgoingMessage) -> Result<(), NotifyError> {
        match message.channel {
            Channel::Sms => {
                let kind = MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value("Transactional")
                    .build()
                    .map_err(|e| NotifyError(e.to_string()))?;
                self.sns
                    .publish()
                    .phone_number(e164(&message.to))
                    .message(message.body)
                    .message_attributes("AWS.SNS.SMS.SMSType", kind)
                    .send()
                    .await
                    .map_err(|e| {
                        NotifyError(format!("SNS publish: {}", aws_sdk_sns::Error::from(e)))
                    })?;
            }
            Channel::Email => {
                let from = self
                    .from
                    .as_deref()
                    .ok_or_else(|| NotifyError("SME_MAIL_FROM is not set".into()))?;
                let email = EmailContent::builder()
                    .simple(
                        Message::builder()
                            .subject(content(EMAIL_SUBJECT)?)
                            .body(Body::builder().text(content(&message.body)?).build())
                            .build(),
                    )
                    .build();
                self.ses
                    .send_email()
                    .from_email_address(from)
                    .destination(Destination::builder().to_addresses(message.to).build())
                    .content(email)
                    .send()
                    .await
                    .map_err(|e| {
                        NotifyError(format!("SES send: {}", aws_sdk_sesv2::Error::from(e)))
                    })?;
            }
        }
        Ok(())
    }
}

#[cfg(feature = "emulator")]
/// An SNS client for a local server (moto): dummy credentials, `us-east-1`, nothing from the environment.
pub fn local_sns_client(endpoint: &str) -> aws_sdk_sns::Client {
    let config = aws_sdk_sns::Config::builder()
        .behavior_version(aws_sdk_sns::config::BehaviorVersion::latest())
        .region(aws_sdk_sns::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sns::config::Credentials::new(
            "test", "test", None, None, "static",
        ))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_sns::Client::from_conf(config)
}

#[cfg(feature = "emulator")]
/// An SES v2 client for a local server (moto).
pub fn local_ses_client(endpoint: &str) -> aws_sdk_sesv2::Client {
    let config = aws_sdk_sesv2::Config::builder()
        .behavior_version(aws_sdk_sesv2::config::BehaviorVersion::latest())
        .region(aws_sdk_sesv2::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sesv2::config::Credentials::new(
            "test", "test", None, None, "static",
        ))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_sesv2::Client::from_conf(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainland_numbers_get_the_country_code() {
        assert_eq!(e164("13912345678"), "+8613912345678");
        assert_eq!(e164("+441234567890"), "+441234567890");
    }
}
