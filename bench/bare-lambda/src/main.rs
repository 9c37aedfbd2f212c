//! The cold-start floor for `bench/coldstart`: the same runtime (lambda_http) and AWS SDK clients (DynamoDB, S3)
//! as a function of the platform, built the same way at init, and a handler that answers 200 without I/O.

use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let dynamo = aws_sdk_dynamodb::Client::new(&aws);
    let s3 = aws_sdk_s3::Client::new(&aws);
    lambda_http::run(service_fn(move |_req: Request| {
        let _clients = (&dynamo, &s3);
        async move {
            Ok::<_, Error>(
                Response::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(Body::from("{}"))
                    .expect("response"),
            )
        }
    }))
    .await
}
