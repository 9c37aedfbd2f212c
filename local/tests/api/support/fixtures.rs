//! Test data and the multi-step journeys the scenario and end-to-end tests share: complete enterprise profiles,
//! declaration forms filled from their spec, digital self-assessment answers, officials created through an
//! operator, enterprises registered with their profile, declarations made ready (draft + form + required evidence)
//! and submitted, and a review step at one level (start + decide).
//!
//! Everything that only needs HTTP is on [`Client`], so it serves the in-process [`super::TestPlatform`] (which
//! derefs to a `Client`) and the tests of the `sme-local` binary alike.

use serde_json::{Map, Value, json};

use super::{Answer, Client, PASSWORD, pdf_bytes, phone_for};

/// The three financial years a declaration in 2026 reports.
pub const LAST_THREE_YEARS: [i32; 3] = [2023, 2024, 2025];

/// The text every free-text form field gets (cut to the field's `max_len`).
pub const FORM_TEXT: &str = "本企业专注航空紧固件研发制造，产品用于国产大飞机。";

// ---- profiles --------------------------------------------------------------------------------------------------------

/// One year of a small aviation-fastener maker's figures (30 million yuan revenue, 120 people), every amount and the
/// head count multiplied by `scale` (the R&D staff stays 30).
pub fn figures(year: i32, scale: i64) -> Value {
    json!({"year": year, "operating_revenue": (30_000_000 * scale).to_string(),
           "main_business_revenue": (27_000_000 * scale).to_string(),
           "rd_expense": (1_500_000 * scale).to_string(), "net_profit": (3_000_000 * scale).to_string(),
           "total_assets": (50_000_000 * scale).to_string(), "total_liabilities": (20_000_000 * scale).to_string(),
           "employees": 120 * scale, "rd_staff": 30})
}

/// A complete profile of a small aviation-fastener maker in `region` (founded 2015, 120 people), with the figures
/// of `years`, a high-tech-enterprise honour, a provincial award, qualified financing and strategic-emerging
/// products.
pub fn profile(region: &str, years: &[i32]) -> Value {
    json!({
        "region": region, "address": "文三路1号", "industry": "3741",
        "niche_field": "航空紧固件", "main_products": ["钛合金紧固件"],
        "established_on": "2015-03-01", "employees": 120,
        "financials": years.iter().map(|y| figures(*y, 1)).collect::<Vec<_>>(),
        "ip": {"class1_high_value": 1, "class1_self_developed": 2, "class1_total": 3, "class2_total": 5, "class1_applied": 2},
        "honours": [{"kind": "high_tech_enterprise", "valid_until": "2027-12-31"}],
        "awards": [{"level": "provincial", "year": 2024, "rank": 2}],
        "makers_china": [], "financing": [{"date": "2025-06-01", "amount": "5000000", "qualified_investor": true}],
        "market": {"since": "2016-01-01", "national_share_pct": 12.5},
        "quality": {"own_brand": true, "quality_system_certified": true}, "rd_institution": {"level": "provincial"},
        "product_fields": {"strategic_emerging": true}, "operations": {"core_processes_on_info_systems": 2},
        "local_indicators": []
    })
}

/// The same maker's profile without honours, awards or financing, founded in 2012 (on the market since 2014), a
/// key point of an industrial chain.
pub fn plain_profile(region: &str, years: &[i32]) -> Value {
    let mut p = profile(region, years);
    p["established_on"] = json!("2012-03-01");
    p["market"]["since"] = json!("2014-01-01");
    p["honours"] = json!([]);
    p["awards"] = json!([]);
    p["financing"] = json!([]);
    p["product_fields"] = json!({"chain_key_point": true});
    p
}

/// One year of a grown maker's figures (80 million yuan revenue, 200 people, 60 in R&D).
pub fn grown_figures(year: i32) -> Value {
    json!({"year": year, "operating_revenue": "80000000", "main_business_revenue": "76000000",
           "rd_expense": "6000000", "net_profit": "9000000", "total_assets": "90000000",
           "total_liabilities": "30000000", "employees": 200, "rd_staff": 60})
}

/// A complete profile of a grown aviation-fastener maker in `region` (founded 2012, 200 people, more patents, a
/// high-tech-enterprise honour, a key point of an industrial chain with certified management), figures of
/// [`LAST_THREE_YEARS`].
pub fn grown_profile(region: &str) -> Value {
    json!({
        "region": region, "address": "科技园路8号", "industry": "3741",
        "niche_field": "航空紧固件", "main_products": ["钛合金紧固件"],
        "established_on": "2012-03-01", "employees": 200,
        "financials": LAST_THREE_YEARS.iter().map(|y| grown_figures(*y)).collect::<Vec<_>>(),
        "ip": {"class1_high_value": 2, "class1_self_developed": 4, "class1_total": 6, "class2_total": 8, "class1_applied": 5},
        "honours": [{"kind": "high_tech_enterprise", "valid_until": "2027-12-31"}],
        "awards": [], "makers_china": [], "financing": [],
        "market": {"since": "2014-01-01", "national_share_pct": 15.0},
        "quality": {"own_brand": true, "quality_system_certified": true},
        "rd_institution": {"level": "provincial"}, "product_fields": {"chain_key_point": true},
        "operations": {"core_processes_on_info_systems": 3, "management_or_foreign_certification": true},
        "local_indicators": []
    })
}

// ---- forms and the digital self-assessment ---------------------------------------------------------------------

/// A valid value for each field of a form spec (`{fields: [{id, kind, min?, max?, max_len?, options?}]}`): numbers
/// at their minimum (at least 1, at most `max`), `true`, 2025-01-01, the first option of a choice, and
/// [`FORM_TEXT`] cut to `max_len` for text.
pub fn fill_form(spec: &Value) -> Map<String, Value> {
    let mut form = Map::new();
    for f in spec["fields"].as_array().expect("form fields") {
        let id = f["id"].as_str().unwrap().to_owned();
        let v = match f["kind"].as_str().unwrap_or("text") {
            "number" => {
                let v = f["min"].as_f64().unwrap_or(1.0).max(1.0);
                json!(f["max"].as_f64().map_or(v, |m| v.min(m)))
            }
            "bool" => json!(true),
            "date" => json!("2025-01-01"),
            "choice" => f["options"][0]["value"].clone(),
            _ => json!(FORM_TEXT),
        };
        let v = match (v.as_str(), f["max_len"].as_u64()) {
            (Some(text), Some(max)) => json!(text.chars().take(max as usize).collect::<String>()),
            _ => v,
        };
        form.insert(id, v);
    }
    form
}

/// Which options a self-assessment picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// The highest-scoring option of every question (every option of a multiple choice).
    Best,
    /// The first option of every question (only the first of a multiple choice).
    First,
}

/// The body of a digital self-assessment (`{answers}`) for the current questionnaire.
pub async fn digital_answers(c: &Client, token: &str, pick: Pick) -> Value {
    let q = c
        .call(
            "GET",
            "/v1/digital-assessments/questionnaire",
            Some(token),
            None,
        )
        .await
        .expect(200);
    let mut answers = Map::new();
    for question in q.body["questions"].as_array().unwrap() {
        let options = question["options"].as_array().unwrap();
        let multi = question["kind"] == "multi";
        let answer = match pick {
            Pick::Best if multi => {
                json!(options.iter().map(|o| o["id"].clone()).collect::<Vec<_>>())
            }
            Pick::Best => options
                .iter()
                .max_by_key(|o| o["points"].as_u64().unwrap())
                .unwrap()["id"]
                .clone(),
            Pick::First if multi => json!([options[0]["id"].clone()]),
            Pick::First => options[0]["id"].clone(),
        };
        answers.insert(question["id"].as_str().unwrap().to_owned(), answer);
    }
    json!({"answers": answers})
}

/// Percent-encode a query value (cursors are opaque).
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ---- journeys --------------------------------------------------------------------------------------------------------

/// A registered, verified enterprise.
pub struct Firm {
    pub login: String,
    pub token: String,
    pub uscc: String,
}

impl Client {
    /// Move the platform clock through the development route (China time given as RFC 3339).
    pub async fn set_dev_clock(&self, rfc3339: &str) {
        self.call("POST", "/v1/dev/clock", None, Some(json!({"now": rfc3339})))
            .await
            .expect(200);
    }

    /// Create an official of `level` (and `region`, none for the ministry) as the caller `by`; returns its login.
    pub async fn official_by(
        &self,
        by: &str,
        login: &str,
        level: &str,
        region: Option<&str>,
    ) -> String {
        let mut body = json!({"login_name": login, "password": PASSWORD, "phone": phone_for(login), "level": level});
        if let Some(r) = region {
            body["region"] = json!(r);
        }
        self.call("POST", "/v1/admin/officials", Some(by), Some(body))
            .await
            .expect(201);
        login.to_owned()
    }

    /// Create an official through the operator; returns its login.
    pub async fn official(&self, login: &str, level: &str, region: Option<&str>) -> String {
        let op = self.operator().await;
        self.official_by(&op, login, level, region).await
    }

    /// Create an official through the operator and sign it in; returns its token.
    pub async fn signed_in_official(
        &self,
        login: &str,
        level: &str,
        region: Option<&str>,
    ) -> String {
        let login = self.official(login, level, region).await;
        self.login(&login, PASSWORD).await
    }

    /// Post a digital self-assessment picking `pick` (checked 201); returns the answer.
    pub async fn assess_digital(&self, token: &str, pick: Pick) -> Answer {
        let answers = digital_answers(self, token, pick).await;
        self.call(
            "POST",
            "/v1/digital-assessments",
            Some(token),
            Some(answers),
        )
        .await
        .expect(201)
    }

    /// Register and verify the legal person `login` (`uscc`, `name`), save its `profile` and, with `digital`, its
    /// self-assessment.
    pub async fn firm(
        &self,
        login: &str,
        uscc: &str,
        name: &str,
        profile: &Value,
        digital: Option<Pick>,
    ) -> Firm {
        let token = self.enterprise(login, uscc, name).await;
        self.call("PUT", "/v1/enterprise", Some(&token), Some(profile.clone()))
            .await
            .expect(200);
        if let Some(pick) = digital {
            self.assess_digital(&token, pick).await;
        }
        Firm {
            login: login.to_owned(),
            token,
            uscc: uscc.to_owned(),
        }
    }

    /// Upload a PDF named `file_name` to every required evidence slot of the form `spec` of record `id`.
    pub async fn upload_required(&self, token: &str, id: &str, spec: &Value, file_name: &str) {
        for slot in spec["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["required"] == true)
        {
            self.upload(
                token,
                id,
                slot["id"].as_str().unwrap(),
                file_name,
                "application/pdf",
                &pdf_bytes(),
            )
            .await;
        }
    }

    /// Create a draft of `tier` for `year`, fill its form ([`fill_form`]) and upload every required evidence slot
    /// (`材料.pdf`); returns the draft's id.
    pub async fn ready_declaration(&self, token: &str, tier: &str, year: i32) -> String {
        let created = self
            .call(
                "POST",
                "/v1/declarations",
                Some(token),
                Some(json!({"tier": tier, "year": year})),
            )
            .await
            .expect(201);
        let id = created.body["id"].as_str().unwrap().to_owned();
        let spec = &created.body["form_spec"]["spec"];
        self.call(
            "PUT",
            &format!("/v1/declarations/{id}"),
            Some(token),
            Some(json!({"form": fill_form(spec)})),
        )
        .await
        .expect(200);
        self.upload_required(token, &id, spec, "材料.pdf").await;
        id
    }

    /// The bytes of the first evidence file of record `id`, downloaded through the link the evidence list gives.
    pub async fn first_evidence_bytes(&self, token: &str, id: &str) -> Vec<u8> {
        let files = self
            .call(
                "GET",
                &format!("/v1/declarations/{id}/evidence"),
                Some(token),
                None,
            )
            .await
            .expect(200);
        let url = files.body["items"][0]["download"]["url"].as_str().unwrap();
        let res = self.http.get(url).send().await.unwrap();
        res.bytes().await.unwrap().to_vec()
    }

    /// Submit a declaration (the answer unchecked).
    pub async fn submit_declaration(&self, token: &str, id: &str) -> Answer {
        self.call(
            "POST",
            &format!("/v1/declarations/{id}/submit"),
            Some(token),
            None,
        )
        .await
    }

    /// [`Client::ready_declaration`], then submit it (checked 200); returns its id and the submitted declaration.
    pub async fn submit_ready_declaration(
        &self,
        token: &str,
        tier: &str,
        year: i32,
    ) -> (String, Value) {
        let id = self.ready_declaration(token, tier, year).await;
        let submitted = self.submit_declaration(token, &id).await.expect(200);
        (id, submitted.body)
    }

    /// The official `login` starts the review of declaration `id` at its level and decides (`decision` is the
    /// body: `{decision, comment?}`); returns the declaration after the decision.
    pub async fn start_and_decide(&self, login: &str, id: &str, decision: Value) -> Value {
        let token = self.login(login, PASSWORD).await;
        self.call(
            "POST",
            &format!("/v1/admin/declarations/{id}/start"),
            Some(&token),
            None,
        )
        .await
        .expect(200);
        self.call(
            "POST",
            &format!("/v1/admin/declarations/{id}/decision"),
            Some(&token),
            Some(decision),
        )
        .await
        .expect(200)
        .body
    }
}
