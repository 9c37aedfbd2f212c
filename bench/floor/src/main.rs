//! The benchmark floor server: what an authenticated request of the platform must do at least, and nothing else.
//!
//! * `GET /read/{n}`: verify the Ed25519 JWT of `Authorization: Bearer`, then one SQLite primary-key `SELECT` of a
//!   2 KB record; answers the record.
//! * `GET /read2/{n}`: the same with two primary-key `SELECT`s (records `n` and `n + 1`) in one trip to the
//!   blocking pool: the floor of `GET /v1/enterprise`, a view of two records.
//! * `PUT /write/{n}`: verify the token, then one `BEGIN IMMEDIATE` transaction: `SELECT` the record's version,
//!   `UPDATE` the record with the request body, `INSERT` an event, `COMMIT`.
//!
//! SQLite in WAL mode with `synchronous = NORMAL` (as the platform's store), reads on the blocking pool with one
//! connection per thread, writes on one connection behind a mutex. Started by `bench/run` beside `sme-local`:
//! `floor-server [--listen ADDR] [--db PATH] [--records N]`; it prints
//! `floor listening on http://ADDR token TOKEN` once ready.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey, spki::der::pem::LineEnding};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    aud: String,
    exp: i64,
}

struct Floor {
    db: PathBuf,
    verifier: DecodingKey,
    validation: Validation,
    writer: Mutex<Connection>,
    events: AtomicU64,
}

thread_local! {
    static READER: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

fn open(path: &std::path::Path) -> Connection {
    let conn = Connection::open(path).expect("open database");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("WAL");
    conn.pragma_update(None, "synchronous", "NORMAL")
        .expect("synchronous");
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .expect("busy timeout");
    conn
}

fn fail(status: StatusCode, why: impl std::fmt::Display) -> Response {
    (status, why.to_string()).into_response()
}

impl Floor {
    fn verify(&self, headers: &HeaderMap) -> Result<Claims, String> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or("no bearer token")?;
        jsonwebtoken::decode::<Claims>(token, &self.verifier, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| e.to_string())
    }
}

async fn read(State(floor): State<Arc<Floor>>, Path(n): Path<u64>, headers: HeaderMap) -> Response {
    read_records(floor, headers, vec![n]).await
}

/// Two records (`n` and the next one) in one trip to the blocking pool: the floor of a view built from two records.
async fn read2(
    State(floor): State<Arc<Floor>>,
    Path(n): Path<u64>,
    headers: HeaderMap,
) -> Response {
    read_records(floor, headers, vec![n, n + 1]).await
}

async fn read_records(floor: Arc<Floor>, headers: HeaderMap, keys: Vec<u64>) -> Response {
    if let Err(why) = floor.verify(&headers) {
        return fail(StatusCode::UNAUTHORIZED, why);
    }
    let found = tokio::task::spawn_blocking(move || {
        READER.with(|cell| {
            let mut slot = cell.borrow_mut();
            let conn = slot.get_or_insert_with(|| open(&floor.db));
            let mut out = Vec::with_capacity(keys.len());
            for n in keys {
                let data = conn
                    .prepare_cached("SELECT data FROM records WHERE pk = ?1 AND sk = 'DECL'")
                    .and_then(|mut s| {
                        s.query_row(params![format!("DECL#{n}")], |r| r.get::<_, String>(0))
                            .optional()
                    })?;
                out.extend(data);
            }
            Ok::<_, rusqlite::Error>(out)
        })
    })
    .await
    .expect("read task");
    match found {
        Ok(found) if found.is_empty() => fail(StatusCode::NOT_FOUND, "no such record"),
        Ok(mut found) if found.len() == 1 => (
            [(header::CONTENT_TYPE, "application/json")],
            found.remove(0),
        )
            .into_response(),
        Ok(found) => (
            [(header::CONTENT_TYPE, "application/json")],
            format!("[{}]", found.join(",")),
        )
            .into_response(),
        Err(e) => fail(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

async fn write(
    State(floor): State<Arc<Floor>>,
    Path(n): Path<u64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let claims = match floor.verify(&headers) {
        Ok(c) => c,
        Err(why) => return fail(StatusCode::UNAUTHORIZED, why),
    };
    let data = match std::str::from_utf8(&body) {
        Ok(text) if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() => text.to_owned(),
        _ => return fail(StatusCode::UNPROCESSABLE_ENTITY, "body is not JSON"),
    };
    let done = tokio::task::spawn_blocking(move || {
        let event = floor.events.fetch_add(1, Ordering::Relaxed);
        let mut conn = floor.writer.lock().unwrap_or_else(|e| e.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let pk = format!("DECL#{n}");
        let version: Option<i64> = tx
            .prepare_cached("SELECT version FROM records WHERE pk = ?1 AND sk = 'DECL'")?
            .query_row(params![pk], |r| r.get(0))
            .optional()?;
        let Some(version) = version else {
            return Ok(None);
        };
        tx.prepare_cached(
            "UPDATE records SET version = ?2, data = ?3 WHERE pk = ?1 AND sk = 'DECL'",
        )?
        .execute(params![pk, version + 1, data])?;
        tx.prepare_cached("INSERT INTO records (pk, sk, version, data) VALUES (?1, ?2, 1, ?3)")?
            .execute(params![
                pk,
                format!("EVENT#{event:020}"),
                format!("{{\"actor\":\"{}\",\"kind\":\"save\"}}", claims.sub)
            ])?;
        tx.commit()?;
        Ok::<_, rusqlite::Error>(Some(version + 1))
    })
    .await
    .expect("write task");
    match done {
        Ok(Some(v)) => (
            [(header::CONTENT_TYPE, "application/json")],
            format!("{{\"version\":{v}}}"),
        )
            .into_response(),
        Ok(None) => fail(StatusCode::NOT_FOUND, "no such record"),
        Err(e) => fail(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

#[tokio::main]
async fn main() {
    let mut listen = "127.0.0.1:0".to_owned();
    let mut db = std::env::temp_dir().join(format!("floor-{}.sqlite3", std::process::id()));
    let mut records: u64 = 1000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().expect("--listen ADDR"),
            "--db" => db = PathBuf::from(args.next().expect("--db PATH")),
            "--records" => {
                records = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--records N")
            }
            other => panic!("unknown argument {other:?}"),
        }
    }
    let writer = open(&db);
    writer
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS records (pk TEXT NOT NULL, sk TEXT NOT NULL, version INTEGER NOT NULL, \
             data TEXT NOT NULL, PRIMARY KEY (pk, sk)) WITHOUT ROWID;",
        )
        .expect("schema");
    {
        let tx = writer.unchecked_transaction().expect("seed");
        let body = serde_json::json!({"form": {"summary": "x".repeat(2000)}}).to_string();
        for n in 0..records {
            tx.execute(
                "INSERT OR REPLACE INTO records (pk, sk, version, data) VALUES (?1, 'DECL', 1, ?2)",
                params![format!("DECL#{n}"), body],
            )
            .expect("seed row");
        }
        tx.commit().expect("seed commit");
    }

    let mut secret = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
    let key = SigningKey::from_bytes(&secret);
    let private_pem = key.to_pkcs8_pem(LineEnding::LF).expect("PKCS#8");
    let public_pem = key
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("SPKI");
    let signer = EncodingKey::from_ed_pem(private_pem.as_bytes()).expect("signing key");
    let verifier = DecodingKey::from_ed_pem(public_pem.as_bytes()).expect("verifying key");
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&["floor"]);
    validation.set_audience(&["floor"]);
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
        + 7200;
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::EdDSA),
        &Claims {
            sub: "bench".into(),
            iss: "floor".into(),
            aud: "floor".into(),
            exp,
        },
        &signer,
    )
    .expect("token");

    let floor = Arc::new(Floor {
        db,
        verifier,
        validation,
        writer: Mutex::new(writer),
        events: AtomicU64::new(0),
    });
    let app = Router::new()
        .route("/read/{n}", get(read))
        .route("/read2/{n}", get(read2))
        .route("/write/{n}", put(write))
        .with_state(floor);
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .expect("listen");
    let addr = listener.local_addr().expect("address");
    println!("floor listening on http://{addr} token {token}");
    axum::serve(listener, app).await.expect("serve");
}
