//! The three tiers of the gradient (RULES.md §0, §1.2).

use std::fmt;

use serde::{Deserialize, Serialize};

/// 梯度: the three tiers an enterprise can be recognised in, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 创新型中小企业 (from 2026-04-01: 科技和创新型中小企业).
    Innovative,
    /// 专精特新中小企业.
    Specialized,
    /// 专精特新“小巨人”企业.
    LittleGiant,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Innovative, Tier::Specialized, Tier::LittleGiant];

    /// The wire name (`innovative`, `specialized`, `little_giant`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Innovative => "innovative",
            Tier::Specialized => "specialized",
            Tier::LittleGiant => "little_giant",
        }
    }

    /// The Chinese name used on the platform.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Innovative => "创新型中小企业",
            Tier::Specialized => "专精特新中小企业",
            Tier::LittleGiant => "专精特新“小巨人”企业",
        }
    }

    /// Parse the wire name.
    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_through_serde_and_parse() {
        for tier in Tier::ALL {
            let json = serde_json::to_string(&tier).unwrap();
            assert_eq!(json, format!("\"{}\"", tier.as_str()));
            assert_eq!(serde_json::from_str::<Tier>(&json).unwrap(), tier);
            assert_eq!(Tier::parse(tier.as_str()), Some(tier));
        }
        assert_eq!(Tier::parse("giant"), None);
    }
}
