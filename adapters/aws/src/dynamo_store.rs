//! The `Store` on DynamoDB: the single table of `template.yaml` (`RecordsTable`).
//!
//! Attributes: `pk`, `sk` (table key), `gsi1pk`, `gsi1sk` (only on items with a secondary-index key: the
//! sparse index `gsi1`), `version` (N), `expires_at` (N, the table's TTL attribute) and `data` (S, JSON).
//!
//! Round trips are the DESIGN's budget: a read is one `GetItem` (strongly consistent), a write one
//! `PutItem`/`DeleteItem`, a transaction one `TransactWriteItems`, a page one `Query`. This adapter has no
//! `Scan` at all.
//!
//! DynamoDB deletes expired items only eventually (up to ~48 h late), so every condition treats an item with
//! `expires_at <= now` as absent and reads drop such items (queries through a `FilterExpression`, so a page
//! may hold fewer than `limit` items while still carrying a cursor — the port allows that).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, Projection, ProjectionType, ProvisionedThroughput, Put,
    ScalarAttributeType, SseSpecification, StreamSpecification, StreamViewType, TableStatus,
    TimeToLiveSpecification, TransactWriteItem,
};
use serde_yaml_ng::Value as Yaml;

use shared::ports::store_common::{
    Cursor, check_item, check_key, check_query, check_transaction, normalised_range,
};
use shared::ports::{
    Cond, GSI1, Index, Item, Page, Query, SharedClock, SkRange, Store, StoreError, TxOp,
};

/// The `Store` on one DynamoDB table.
#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    clock: SharedClock,
}

impl std::fmt::Debug for DynamoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamoStore")
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

type Attrs = HashMap<String, AttributeValue>;

/// A condition expression with exactly the placeholders it uses (DynamoDB rejects unused ones).
#[derive(Default)]
struct Expr {
    text: Option<String>,
    names: HashMap<String, String>,
    values: Attrs,
}

impl Expr {
    fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }
    fn values(&self) -> Option<Attrs> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

/// `(expires_at is absent OR in the future)`: the item is live at `:now`.
const LIVE: &str = "(attribute_not_exists(#exp) OR #exp > :now)";

/// The expression for `cond` at Unix time `now`. `Always` has no expression unless `required` (a
/// `ConditionCheck` must carry one), in which case it is a tautology.
fn condition(cond: Cond, now: i64, required: bool) -> Expr {
    let mut expr = Expr::default();
    let text = match cond {
        Cond::Always if !required => return expr,
        Cond::Always => "attribute_exists(#pk) OR attribute_not_exists(#pk)".to_owned(),
        Cond::Absent => "attribute_not_exists(#pk) OR #exp <= :now".to_owned(),
        Cond::Exists => format!("attribute_exists(#pk) AND {LIVE}"),
        Cond::VersionIs(v) => {
            expr.names.insert("#ver".into(), "version".into());
            expr.values
                .insert(":ver".into(), AttributeValue::N(v.to_string()));
            format!("#ver = :ver AND {LIVE}")
        }
    };
    if text.contains("#pk") {
        expr.names.insert("#pk".into(), "pk".into());
    }
    if text.contains("#exp") {
        expr.names.insert("#exp".into(), "expires_at".into());
        expr.values
            .insert(":now".into(), AttributeValue::N(now.to_string()));
    }
    expr.text = Some(text);
    expr
}

fn key_attrs(pk: &str, sk: &str) -> Attrs {
    HashMap::from([
        ("pk".to_owned(), AttributeValue::S(pk.to_owned())),
        ("sk".to_owned(), AttributeValue::S(sk.to_owned())),
    ])
}

fn item_attrs(item: &Item) -> Attrs {
    let mut attrs = key_attrs(&item.pk, &item.sk);
    if let Some((gpk, gsk)) = &item.gsi1 {
        attrs.insert("gsi1pk".into(), AttributeValue::S(gpk.clone()));
        attrs.insert("gsi1sk".into(), AttributeValue::S(gsk.clone()));
    }
    attrs.insert(
        "version".into(),
        AttributeValue::N(item.version.to_string()),
    );
    if let Some(t) = item.expires_at {
        attrs.insert("expires_at".into(), AttributeValue::N(t.to_string()));
    }
    attrs.insert("data".into(), AttributeValue::S(item.data.clone()));
    attrs
}

fn item_from_attrs(attrs: &Attrs) -> Result<Item, StoreError> {
    let text = |name: &str| match attrs.get(name) {
        Some(AttributeValue::S(s)) => Ok(Some(s.clone())),
        None => Ok(None),
        Some(_) => Err(name.to_owned()),
    };
    let number = |name: &str| match attrs.get(name) {
        Some(AttributeValue::N(n)) => Ok(Some(n.clone())),
        None => Ok(None),
        Some(_) => Err(name.to_owned()),
    };
    let pk = text("pk").ok().flatten().unwrap_or_default();
    let sk = text("sk").ok().flatten().unwrap_or_default();
    let corrupt = |why: String| StoreError::Corrupt(format!("{pk}/{sk}: {why}"));
    let wrong_type = |name: String| corrupt(format!("attribute {name} has the wrong type"));
    if pk.is_empty() || sk.is_empty() {
        return Err(corrupt("missing key attribute".into()));
    }
    let gsi1 = match (
        text("gsi1pk").map_err(wrong_type)?,
        text("gsi1sk").map_err(wrong_type)?,
    ) {
        (Some(gpk), Some(gsk)) => Some((gpk, gsk)),
        (None, None) => None,
        _ => return Err(corrupt("half a gsi1 key".into())),
    };
    let version = number("version")
        .map_err(wrong_type)?
        .ok_or_else(|| corrupt("no version".into()))?
        .parse::<u64>()
        .map_err(|e| corrupt(format!("version: {e}")))?;
    let expires_at = number("expires_at")
        .map_err(wrong_type)?
        .map(|n| {
            n.parse::<i64>()
                .map_err(|e| corrupt(format!("expires_at: {e}")))
        })
        .transpose()?;
    let data = text("data")
        .map_err(wrong_type)?
        .ok_or_else(|| corrupt("no data".into()))?;
    Ok(Item {
        pk,
        sk,
        gsi1,
        version,
        expires_at,
        data,
    })
}

/// Map an SDK error of a single-item operation.
fn sdk_error<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let code = err
        .as_service_error()
        .and_then(|e| e.code())
        .map(str::to_owned);
    let text = DisplayErrorContext(&err).to_string();
    match code.as_deref() {
        Some("ConditionalCheckFailedException") => StoreError::ConditionFailed { index: 0 },
        Some("TransactionConflictException") => StoreError::Conflict,
        Some("ValidationException" | "SerializationException") => StoreError::Invalid(text),
        _ => StoreError::Unavailable(text),
    }
}

/// Map a `TransactWriteItems` error: a failed condition reports the first failing action's position.
fn transaction_error(
    err: SdkError<TransactWriteItemsError, aws_sdk_dynamodb::config::http::HttpResponse>,
) -> StoreError {
    if let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
        err.as_service_error()
    {
        let reasons = cancelled.cancellation_reasons();
        let code_at = |code: &str| reasons.iter().position(|r| r.code() == Some(code));
        if let Some(index) = code_at("ConditionalCheckFailed") {
            return StoreError::ConditionFailed { index };
        }
        if code_at("TransactionConflict").is_some() {
            return StoreError::Conflict;
        }
        if code_at("ValidationError").is_some() {
            return StoreError::Invalid(DisplayErrorContext(&err).to_string());
        }
        return StoreError::Unavailable(DisplayErrorContext(&err).to_string());
    }
    sdk_error(err)
}

fn build_error(e: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::Invalid(format!("cannot build the DynamoDB request: {e}"))
}

impl DynamoStore {
    /// The store on `table` (created from `template.yaml`, e.g. by [`create_table_from_template`]).
    pub fn new(client: Client, table: String, clock: SharedClock) -> Self {
        DynamoStore {
            client,
            table,
            clock,
        }
    }

    /// The table this store reads and writes.
    pub fn table(&self) -> &str {
        &self.table
    }

    fn now(&self) -> i64 {
        self.clock.now().unix_timestamp()
    }

    fn tx_item(&self, op: TxOp, now: i64) -> Result<TransactWriteItem, StoreError> {
        Ok(match op {
            TxOp::Put { item, cond } => {
                let expr = condition(cond, now, false);
                let put = Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(item_attrs(&item)))
                    .set_condition_expression(expr.text.clone())
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map_err(build_error)?;
                TransactWriteItem::builder().put(put).build()
            }
            TxOp::Delete { pk, sk, cond } => {
                let expr = condition(cond, now, false);
                let delete = Delete::builder()
                    .table_name(&self.table)
                    .set_key(Some(key_attrs(&pk, &sk)))
                    .set_condition_expression(expr.text.clone())
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map_err(build_error)?;
                TransactWriteItem::builder().delete(delete).build()
            }
            TxOp::Check { pk, sk, cond } => {
                let expr = condition(cond, now, true);
                let check = ConditionCheck::builder()
                    .table_name(&self.table)
                    .set_key(Some(key_attrs(&pk, &sk)))
                    .set_condition_expression(expr.text.clone())
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map_err(build_error)?;
                TransactWriteItem::builder().condition_check(check).build()
            }
        })
    }
}

#[async_trait]
impl Store for DynamoStore {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        check_key(pk, sk)?;
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        let Some(attrs) = out.item() else {
            return Ok(None);
        };
        let item = item_from_attrs(attrs)?;
        Ok((!item.is_expired(self.now())).then_some(item))
    }

    async fn put(&self, item: Item, cond: Cond) -> Result<(), StoreError> {
        check_item(&item)?;
        let expr = condition(cond, self.now(), false);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item_attrs(&item)))
            .set_condition_expression(expr.text.clone())
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    async fn delete(&self, pk: &str, sk: &str, cond: Cond) -> Result<(), StoreError> {
        check_key(pk, sk)?;
        let expr = condition(cond, self.now(), false);
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(pk, sk)))
            .set_condition_expression(expr.text.clone())
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        check_transaction(&ops)?;
        let now = self.now();
        let items = ops
            .into_iter()
            .map(|op| self.tx_item(op, now))
            .collect::<Result<Vec<_>, _>>()?;
        self.client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
            .map_err(transaction_error)?;
        Ok(())
    }

    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        let cursor = check_query(&query)?;
        let range = normalised_range(&query.sk)?;
        let now = self.now();
        let (pk_attr, sk_attr) = match query.index {
            Index::Base => ("pk", "sk"),
            Index::Gsi1 => ("gsi1pk", "gsi1sk"),
        };
        let mut names = HashMap::from([
            ("#qpk".to_owned(), pk_attr.to_owned()),
            ("#exp".to_owned(), "expires_at".to_owned()),
        ]);
        let mut values = HashMap::from([
            (":qpk".to_owned(), AttributeValue::S(query.pk.clone())),
            (":now".to_owned(), AttributeValue::N(now.to_string())),
        ]);
        let mut key_condition = "#qpk = :qpk".to_owned();
        match &range {
            SkRange::All => {}
            SkRange::BeginsWith(prefix) => {
                key_condition.push_str(" AND begins_with(#qsk, :prefix)");
                values.insert(":prefix".into(), AttributeValue::S(prefix.clone()));
            }
            SkRange::Between(from, to) => {
                key_condition.push_str(" AND #qsk BETWEEN :from AND :to");
                values.insert(":from".into(), AttributeValue::S(from.clone()));
                values.insert(":to".into(), AttributeValue::S(to.clone()));
            }
        }
        if range != SkRange::All {
            names.insert("#qsk".into(), sk_attr.into());
        }
        let limit = i32::try_from(query.limit)
            .map_err(|_| StoreError::Invalid("query limit too large".into()))?;
        let start = cursor.map(|c| {
            c.to_map()
                .into_iter()
                .map(|(k, v)| (k, AttributeValue::S(v)))
                .collect::<Attrs>()
        });
        let mut request = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression(key_condition)
            .filter_expression("attribute_not_exists(#exp) OR #exp > :now")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .scan_index_forward(query.forward)
            .limit(limit)
            .set_exclusive_start_key(start);
        request = match query.index {
            // Base-table queries read strongly consistent, like `get`; GSIs only offer eventual consistency.
            Index::Base => request.consistent_read(true),
            Index::Gsi1 => request.index_name(GSI1),
        };
        let out = request.send().await.map_err(sdk_error)?;

        let mut items = Vec::with_capacity(out.items().len());
        for attrs in out.items() {
            let item = item_from_attrs(attrs)?;
            if !item.is_expired(now) {
                items.push(item);
            }
        }
        let next_cursor = match out.last_evaluated_key() {
            None => None,
            Some(key) => {
                let mut map = BTreeMap::new();
                for (name, value) in key {
                    let AttributeValue::S(s) = value else {
                        return Err(StoreError::Corrupt(format!(
                            "LastEvaluatedKey attribute {name} is not a string"
                        )));
                    };
                    map.insert(name.clone(), s.clone());
                }
                let cursor = Cursor::from_map(&map, query.index).ok_or_else(|| {
                    StoreError::Corrupt(format!("LastEvaluatedKey lacks key attributes: {map:?}"))
                })?;
                Some(cursor.encode())
            }
        };
        Ok(Page { items, next_cursor })
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Creating the table from template.yaml
// ---------------------------------------------------------------------------------------------------------------

/// The CloudFormation logical id of the records table in `template.yaml`.
pub const TABLE_RESOURCE: &str = "RecordsTable";

/// How long [`create_table_from_template`] waits for a new table to become `ACTIVE`.
const TABLE_ACTIVE_TIMEOUT: Duration = Duration::from_secs(120);

/// The parts of the `RecordsTable` resource that shape the table's behaviour.
#[derive(Debug)]
struct TableSpec {
    attributes: Vec<AttributeDefinition>,
    key_schema: Vec<KeySchemaElement>,
    gsis: Vec<GlobalSecondaryIndex>,
    billing: BillingMode,
    throughput: Option<ProvisionedThroughput>,
    stream: Option<StreamSpecification>,
    sse: Option<SseSpecification>,
    ttl_attribute: Option<String>,
}

fn template_error(why: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("template.yaml {TABLE_RESOURCE}: {why}"))
}

// `Value::as_str` and friends look through tags (`!Ref X` reads as "X"); the table's shape must be plain
// values, so these accessors match untagged scalars only.

fn plain_str(value: &Yaml) -> Option<&str> {
    match value {
        Yaml::String(s) => Some(s),
        _ => None,
    }
}

fn plain_bool(value: &Yaml) -> Option<bool> {
    match value {
        Yaml::Bool(b) => Some(*b),
        _ => None,
    }
}

fn yaml_str<'a>(value: &'a Yaml, field: &str) -> Result<&'a str, StoreError> {
    plain_str(&value[field])
        .ok_or_else(|| template_error(format!("{field} must be a plain string")))
}

fn yaml_list<'a>(value: &'a Yaml, field: &str) -> Result<&'a [Yaml], StoreError> {
    match &value[field] {
        Yaml::Sequence(items) => Ok(items),
        Yaml::Null => Ok(&[]),
        _ => Err(template_error(format!("{field} must be a list"))),
    }
}

fn key_schema(value: &Yaml) -> Result<Vec<KeySchemaElement>, StoreError> {
    yaml_list(value, "KeySchema")?
        .iter()
        .map(|k| {
            KeySchemaElement::builder()
                .attribute_name(yaml_str(k, "AttributeName")?)
                .key_type(KeyType::from(yaml_str(k, "KeyType")?))
                .build()
                .map_err(template_error)
        })
        .collect()
}

fn throughput(value: &Yaml) -> Result<Option<ProvisionedThroughput>, StoreError> {
    let pt = &value["ProvisionedThroughput"];
    if pt.is_null() {
        return Ok(None);
    }
    let units = |field: &str| {
        match &pt[field] {
            Yaml::Number(n) => n.as_i64(),
            _ => None,
        }
        .ok_or_else(|| template_error(format!("ProvisionedThroughput.{field} must be a number")))
    };
    ProvisionedThroughput::builder()
        .read_capacity_units(units("ReadCapacityUnits")?)
        .write_capacity_units(units("WriteCapacityUnits")?)
        .build()
        .map(Some)
        .map_err(template_error)
}

impl TableSpec {
    /// Read `Resources.RecordsTable.Properties`; tagged values (`!Ref`, `!Sub`, ...) elsewhere are ignored.
    fn from_template(template_yaml: &str) -> Result<TableSpec, StoreError> {
        let doc: Yaml = serde_yaml_ng::from_str(template_yaml).map_err(template_error)?;
        let resource = &doc["Resources"][TABLE_RESOURCE];
        if plain_str(&resource["Type"]) != Some("AWS::DynamoDB::Table") {
            return Err(template_error("no resource of Type AWS::DynamoDB::Table"));
        }
        let props = &resource["Properties"];
        let attributes = yaml_list(props, "AttributeDefinitions")?
            .iter()
            .map(|a| {
                AttributeDefinition::builder()
                    .attribute_name(yaml_str(a, "AttributeName")?)
                    .attribute_type(ScalarAttributeType::from(yaml_str(a, "AttributeType")?))
                    .build()
                    .map_err(template_error)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let gsis = yaml_list(props, "GlobalSecondaryIndexes")?
            .iter()
            .map(|g| {
                let projection = &g["Projection"];
                let non_key = yaml_list(projection, "NonKeyAttributes")?
                    .iter()
                    .map(|a| {
                        plain_str(a)
                            .map(str::to_owned)
                            .ok_or_else(|| template_error("NonKeyAttributes"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                GlobalSecondaryIndex::builder()
                    .index_name(yaml_str(g, "IndexName")?)
                    .set_key_schema(Some(key_schema(g)?))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::from(yaml_str(
                                projection,
                                "ProjectionType",
                            )?))
                            .set_non_key_attributes((!non_key.is_empty()).then_some(non_key))
                            .build(),
                    )
                    .set_provisioned_throughput(throughput(g)?)
                    .build()
                    .map_err(template_error)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let billing = match &props["BillingMode"] {
            Yaml::Null => BillingMode::Provisioned, // CloudFormation's default
            _ => BillingMode::from(yaml_str(props, "BillingMode")?),
        };
        let stream_spec = &props["StreamSpecification"];
        let stream = if stream_spec.is_null() {
            None
        } else {
            Some(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::from(yaml_str(
                        stream_spec,
                        "StreamViewType",
                    )?))
                    .build()
                    .map_err(template_error)?,
            )
        };
        let sse_spec = &props["SSESpecification"];
        let sse = match plain_bool(&sse_spec["SSEEnabled"]) {
            Some(enabled) => Some(SseSpecification::builder().enabled(enabled).build()),
            None if sse_spec.is_null() => None,
            None => {
                return Err(template_error(
                    "SSESpecification.SSEEnabled must be a boolean",
                ));
            }
        };
        let ttl = &props["TimeToLiveSpecification"];
        let ttl_attribute = match plain_bool(&ttl["Enabled"]) {
            Some(true) => Some(yaml_str(ttl, "AttributeName")?.to_owned()),
            Some(false) => None,
            None if ttl.is_null() => None,
            None => {
                return Err(template_error(
                    "TimeToLiveSpecification.Enabled must be a boolean",
                ));
            }
        };
        let spec = TableSpec {
            attributes,
            key_schema: key_schema(props)?,
            gsis,
            billing,
            throughput: throughput(props)?,
            stream,
            sse,
            ttl_attribute,
        };
        if spec.key_schema.is_empty() || spec.attributes.is_empty() {
            return Err(template_error(
                "KeySchema and AttributeDefinitions are required",
            ));
        }
        Ok(spec)
    }
}

/// Create `table_name` exactly as the `RecordsTable` resource of `template_yaml` (the project's
/// `template.yaml`) declares it — keys, GSIs, billing, stream, encryption — wait until it is `ACTIVE`, then
/// enable its TTL attribute. Point-in-time recovery and deletion policies are deployment concerns and are not
/// applied. Used by tests and local set-up against DynamoDB-compatible servers; the deployed table is
/// created by CloudFormation from the same template.
pub async fn create_table_from_template(
    client: &Client,
    table_name: &str,
    template_yaml: &str,
) -> Result<(), StoreError> {
    let spec = TableSpec::from_template(template_yaml)?;
    client
        .create_table()
        .table_name(table_name)
        .set_attribute_definitions(Some(spec.attributes))
        .set_key_schema(Some(spec.key_schema))
        .set_global_secondary_indexes((!spec.gsis.is_empty()).then_some(spec.gsis))
        .billing_mode(spec.billing)
        .set_provisioned_throughput(spec.throughput)
        .set_stream_specification(spec.stream)
        .set_sse_specification(spec.sse)
        .send()
        .await
        .map_err(sdk_error)?;

    let deadline = tokio::time::Instant::now() + TABLE_ACTIVE_TIMEOUT;
    loop {
        let described = client
            .describe_table()
            .table_name(table_name)
            .send()
            .await
            .map_err(sdk_error)?;
        if described.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
            break;
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(StoreError::Unavailable(format!(
                "table {table_name} did not become ACTIVE within {TABLE_ACTIVE_TIMEOUT:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    if let Some(attribute) = spec.ttl_attribute {
        let ttl = TimeToLiveSpecification::builder()
            .attribute_name(attribute)
            .enabled(true)
            .build()
            .map_err(template_error)?;
        client
            .update_time_to_live()
            .table_name(table_name)
            .time_to_live_specification(ttl)
            .send()
            .await
            .map_err(sdk_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = include_str!("../../../template.yaml");

    #[test]
    fn the_records_table_is_read_from_the_template() {
        let spec = TableSpec::from_template(TEMPLATE).expect("template parses");
        assert_eq!(spec.key_schema.len(), 2);
        assert_eq!(spec.gsis.len(), 1);
        assert_eq!(spec.gsis[0].index_name(), GSI1);
        assert_eq!(spec.billing, BillingMode::PayPerRequest);
        assert_eq!(spec.ttl_attribute.as_deref(), Some("expires_at"));
        assert!(spec.stream.is_some());
    }

    /// A template shaped like the project's, with CloudFormation tags around and inside the table resource.
    const TAGGED: &str = r#"
Parameters:
  Stage: {Type: String, Default: prod}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-evidence"
  RecordsTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "${AWS::StackName}-records"
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: sk, AttributeType: S}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
        - {AttributeName: sk, KeyType: RANGE}
      Tags:
        - {Key: stage, Value: !Ref Stage}
Outputs:
  Table:
    Value: !Ref RecordsTable
"#;

    #[test]
    fn cloudformation_tags_elsewhere_are_tolerated() {
        let spec = TableSpec::from_template(TAGGED).expect("tagged values elsewhere are fine");
        assert_eq!(spec.attributes.len(), 2);
        assert!(spec.gsis.is_empty() && spec.stream.is_none() && spec.ttl_attribute.is_none());
        let tagged_billing =
            TAGGED.replace("BillingMode: PAY_PER_REQUEST", "BillingMode: !Ref Billing");
        assert!(matches!(
            TableSpec::from_template(&tagged_billing),
            Err(StoreError::Invalid(_))
        ));
        let no_table = TAGGED.replace("RecordsTable:", "OtherTable:");
        assert!(matches!(
            TableSpec::from_template(&no_table),
            Err(StoreError::Invalid(_))
        ));
    }

    #[test]
    fn conditions_name_only_the_placeholders_they_use() {
        let always = condition(Cond::Always, 10, false);
        assert!(always.text.is_none() && always.names.is_empty() && always.values.is_empty());
        let check = condition(Cond::Always, 10, true);
        assert!(check.values.is_empty() && check.names.len() == 1);
        let version = condition(Cond::VersionIs(3), 10, false);
        assert_eq!(version.values.len(), 2);
        assert_eq!(version.names.len(), 2);
    }

    #[test]
    fn items_round_trip_through_attributes() {
        let item = Item::new("企业#1", "档案", &"专精特新")
            .with_gsi1("QUEUE#省", "2026")
            .with_version(7)
            .expiring_at(99);
        assert_eq!(item_from_attrs(&item_attrs(&item)).unwrap(), item);
        let plain = Item::new("a", "b", &1);
        let attrs = item_attrs(&plain);
        assert!(!attrs.contains_key("gsi1pk") && !attrs.contains_key("expires_at"));
        assert_eq!(item_from_attrs(&attrs).unwrap(), plain);
    }
}
