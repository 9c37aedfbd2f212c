//! The one representation of an instant, in records and on the wire: RFC 3339 in UTC
//! (`2026-05-10T02:00:00.123456789Z`), whatever offset the value carries.
//!
//! Use it as `#[serde(with = "crate::domain::timestamp")]` (or `::option` for `Option<OffsetDateTime>`), and
//! [`rfc3339`] where a view is built by hand (`json!`): an `OffsetDateTime` put into `json!` directly serializes
//! as an array of its parts, which the contract does not allow.

use serde::{Deserialize, Deserializer, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// `t` as RFC 3339 in UTC.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .expect("an instant between years 0 and 9999 formats as RFC 3339")
}

/// Parse any RFC 3339 instant and bring it to UTC.
pub fn parse(s: &str) -> Result<OffsetDateTime, time::error::Parse> {
    OffsetDateTime::parse(s, &Rfc3339).map(|t| t.to_offset(UtcOffset::UTC))
}

pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    let text = t
        .to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .map_err(serde::ser::Error::custom)?;
    s.serialize_str(&text)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
    let text = String::deserialize(d)?;
    parse(&text).map_err(serde::de::Error::custom)
}

/// An instant in a view: the one type every time field of every answer has, so it cannot be written as
/// anything but RFC 3339 in UTC (records keep `OffsetDateTime` with `#[serde(with = "…timestamp")]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub OffsetDateTime);

impl From<OffsetDateTime> for Timestamp {
    fn from(t: OffsetDateTime) -> Self {
        Timestamp(t)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize(d).map(Timestamp)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Timestamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::DateTime,
            )))
            .description(Some("RFC 3339, UTC"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Timestamp {}

/// The same for an optional instant (`null` when absent).
pub mod option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| super::parse(&text).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use time::macros::datetime;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct R {
        #[serde(with = "super")]
        at: OffsetDateTime,
        #[serde(with = "super::option", default)]
        maybe: Option<OffsetDateTime>,
    }

    #[test]
    fn an_instant_is_written_in_utc_whatever_its_offset() {
        let r = R {
            at: datetime!(2026-05-10 10:00 +08:00),
            maybe: Some(datetime!(2026-05-10 10:00:00.5 +08:00)),
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["at"], "2026-05-10T02:00:00Z");
        assert_eq!(v["maybe"], "2026-05-10T02:00:00.5Z");
        let back: R = serde_json::from_value(v).unwrap();
        assert_eq!(back, r);
        assert_eq!(
            rfc3339(datetime!(2026-01-01 00:30 +08:00)),
            "2025-12-31T16:30:00Z"
        );
    }

    #[test]
    fn a_view_timestamp_is_rfc3339_utc_and_reads_back() {
        let t = Timestamp(datetime!(2026-05-10 10:00 +08:00));
        let v = serde_json::to_value(t).unwrap();
        assert_eq!(v, "2026-05-10T02:00:00Z");
        assert_eq!(serde_json::from_value::<Timestamp>(v).unwrap(), t);
        assert!(serde_json::to_value(None::<Timestamp>).unwrap().is_null());
    }

    #[test]
    fn an_absent_optional_instant_is_null() {
        let v = serde_json::to_value(R {
            at: datetime!(2026-05-10 02:00 UTC),
            maybe: None,
        })
        .unwrap();
        assert!(v["maybe"].is_null());
        let back: R =
            serde_json::from_value(serde_json::json!({"at": "2026-05-10T10:00:00+08:00"})).unwrap();
        assert_eq!(back.maybe, None);
        assert_eq!(back.at, datetime!(2026-05-10 02:00 UTC));
    }
}
