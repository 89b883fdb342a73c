//! Structured logs: JSON on Lambda (CloudWatch), readable text locally. `RUST_LOG` adjusts the
//! level. What is logged never includes passwords, tokens or medical text: requests are logged
//! by route template, not path, and handlers log ids, not contents.

use tracing_subscriber::EnvFilter;

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,sqlx=warn,aws_config=warn,aws_smithy_runtime=warn")
    });
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let installed = if json {
        builder.json().flatten_event(true).with_current_span(true).without_time().try_init()
    } else {
        builder.try_init()
    };
    // A second initialisation (tests) keeps the first subscriber.
    drop(installed);
}
