//! The store conformance suite (`sme_testkit::store_conformance`) against every store the project
//! ships: SQLite on a database file (fresh and reopened), SQLite in memory, and `DynamoStore` against an
//! independent DynamoDB implementation (moto on 127.0.0.1; tables created from `template.yaml`).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use shared::ports::sealed_cursors::SealedCursors;
use shared::ports::{SharedClock, SharedStore};
use sme_aws::aws::local_client;
use sme_aws::dynamo_store::{DynamoStore, create_table_from_template};
use sme_embedded::sqlite_store::SqliteStore;
use sme_testkit::moto::moto_endpoint;
use sme_testkit::store_conformance::{check_survives_reopen, run_all};

const TEMPLATE: &str = include_str!("../../../template.yaml");

/// A multi-threaded runtime so the concurrency cases race on real threads.
macro_rules! conformance_test {
    ($name:ident, $body:block) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() $body
    };
}

fn open_sqlite(path: &Path, clock: SharedClock) -> SharedStore {
    Arc::new(
        SqliteStore::open(path, clock).unwrap_or_else(|e| panic!("open {}: {e}", path.display())),
    )
}

conformance_test!(sqlite_file_store_conforms, {
    let dir = tempfile::tempdir().expect("temp dir");
    let counter = AtomicUsize::new(0);
    run_all(|clock| {
        let path = dir.path().join(format!(
            "case-{}.db",
            counter.fetch_add(1, Ordering::Relaxed)
        ));
        async move { open_sqlite(&path, clock) }
    })
    .await;
});

conformance_test!(sqlite_store_conforms_after_reopening_one_long_lived_file, {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("records.db");
    run_all(|clock| {
        let path = path.clone();
        async move {
            // Every case reopens the same file (holding the previous cases' data) after a close.
            drop(open_sqlite(&path, clock.clone()));
            open_sqlite(&path, clock)
        }
    })
    .await;
});

conformance_test!(sqlite_in_memory_store_conforms, {
    run_all(|clock| async move {
        Arc::new(SqliteStore::in_memory(clock).expect("in-memory store")) as SharedStore
    })
    .await;
});

conformance_test!(sealed_cursor_store_conforms, {
    run_all(|clock| async move {
        let inner: SharedStore = Arc::new(SqliteStore::in_memory(clock).expect("in-memory store"));
        Arc::new(SealedCursors::new(inner, [9; 32])) as SharedStore
    })
    .await;
});

conformance_test!(sqlite_data_survives_reopen, {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("durable.db");
    check_survives_reopen(|clock| {
        let path = path.clone();
        async move { open_sqlite(&path, clock) }
    })
    .await;
});

/// A DynamoDB table created from `template.yaml` on the test process's moto server, with a unique name.
async fn moto_table() -> (aws_sdk_dynamodb::Client, String) {
    let client = local_client(&moto_endpoint().await).await;
    let table = format!("records-{}", ulid::Ulid::new().to_string().to_lowercase());
    create_table_from_template(&client, &table, TEMPLATE)
        .await
        .unwrap_or_else(|e| panic!("create table {table} from template.yaml on moto: {e}"));
    (client, table)
}

conformance_test!(dynamo_store_on_moto_conforms, {
    run_all(|clock| async move {
        let (client, table) = moto_table().await;
        Arc::new(DynamoStore::new(client, table, clock)) as SharedStore
    })
    .await;
});

conformance_test!(dynamo_data_survives_a_new_client, {
    let (_, table) = moto_table().await;
    check_survives_reopen(|clock| {
        let table = table.clone();
        async move {
            let client = local_client(&moto_endpoint().await).await;
            Arc::new(DynamoStore::new(client, table, clock)) as SharedStore
        }
    })
    .await;
});

conformance_test!(the_table_is_the_templates_table, {
    let (client, table) = moto_table().await;
    let described = client
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .expect("describe table");
    let desc = described.table().expect("table description");
    let keys: Vec<_> = desc
        .key_schema()
        .iter()
        .map(|k| {
            (
                k.attribute_name().to_owned(),
                k.key_type().as_str().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("pk".to_owned(), "HASH".to_owned()),
            ("sk".to_owned(), "RANGE".to_owned())
        ]
    );
    let gsis = desc.global_secondary_indexes();
    assert_eq!(gsis.len(), 1);
    assert_eq!(gsis[0].index_name(), Some("gsi1"));
    assert_eq!(
        gsis[0]
            .projection()
            .and_then(|p| p.projection_type())
            .map(|p| p.as_str()),
        Some("ALL"),
        "the index projects whole items"
    );
    let stream = desc.stream_specification().expect("stream");
    assert!(stream.stream_enabled());
    assert_eq!(
        stream.stream_view_type().map(|v| v.as_str()),
        Some("NEW_IMAGE")
    );
    let ttl = client
        .describe_time_to_live()
        .table_name(&table)
        .send()
        .await
        .expect("describe ttl");
    let ttl = ttl.time_to_live_description().expect("ttl description");
    assert_eq!(ttl.attribute_name(), Some("expires_at"));
    assert_eq!(
        ttl.time_to_live_status().map(|s| s.as_str()),
        Some("ENABLED")
    );
});

#[test]
fn the_dynamo_adapter_never_scans() {
    let source = include_str!("../../../adapters/aws/src/dynamo_store.rs");
    for forbidden in [".scan(", "ScanInput", "operation::scan", "parallel_scan"] {
        assert!(
            !source.contains(forbidden),
            "dynamo_store.rs must not use Scan ({forbidden})"
        );
    }
}
