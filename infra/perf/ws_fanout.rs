//! Live-update fan-out, measured: `CONNECTIONS` WebSocket clients subscribed to `diagnostics`
//! on a running gateway, then `CHANGES` modalities added one after another over HTTP; for each,
//! the time from sending the POST to the last client receiving its push, and the SQL statements
//! the server executed for it (MariaDB's `Com_stmt_execute`, so run it on a quiet database).
//!
//! Run by `infra/perf/ws_fanout.sh`, which starts the release gateway on a fresh database:
//!
//! ```sh
//! ws_fanout --base http://127.0.0.1:18182 --email root@perf.test --password 'Perf#Secret1' \
//!   --database mysql://root@127.0.0.1:3306/qhealth_ws_perf
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use sqlx::Row;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

struct Args {
    base: String,
    email: String,
    password: String,
    database: String,
    connections: usize,
    changes: usize,
}

fn args() -> Args {
    let mut args = Args {
        base: "http://127.0.0.1:18182".into(),
        email: "root@perf.test".into(),
        password: "Perf#Secret1".into(),
        database: "mysql://root@127.0.0.1:3306/qhealth_ws_perf".into(),
        connections: 500,
        changes: 15,
    };
    let mut given = std::env::args().skip(1);
    while let (Some(name), Some(value)) = (given.next(), given.next()) {
        match name.as_str() {
            "--base" => args.base = value,
            "--email" => args.email = value,
            "--password" => args.password = value,
            "--database" => args.database = value,
            "--connections" => args.connections = value.parse().expect("a number"),
            "--changes" => args.changes = value.parse().expect("a number"),
            other => panic!("unknown option {other}"),
        }
    }
    args
}

#[tokio::main]
async fn main() {
    let args = args();
    let http = reqwest::Client::new();
    let api = format!("{}/api", args.base);
    let signed_in: Value = http
        .post(format!("{api}/auth"))
        .json(&json!({"email": args.email, "password": args.password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = signed_in["access"].as_str().expect("signed in").to_owned();

    // Every client reports (modality id, arrival) for each push it receives.
    let (arrivals, mut arrived) = mpsc::unbounded_channel::<(u64, Instant)>();
    let opened = Instant::now();
    for _ in 0..args.connections {
        let token: Value = http
            .get(format!("{api}/auth/socket"))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let url = format!(
            "{}/ws?token={}",
            args.base.replacen("http", "ws", 1),
            token["token"].as_str().unwrap()
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("connected");
        let subscribe = json!({"action": "subscribe", "stream": "diagnostics", "request_id": 1});
        socket.send(Message::text(subscribe.to_string())).await.unwrap();
        let ack = socket.next().await.unwrap().unwrap();
        assert!(ack.to_text().unwrap().contains("subscribed"), "{ack:?}");
        let arrivals = arrivals.clone();
        tokio::spawn(async move {
            while let Some(Ok(frame)) = socket.next().await {
                let at = Instant::now();
                let push = serde_json::from_str::<Value>(frame.to_text().unwrap_or(""));
                if let Some(id) = push.ok().and_then(|push| push["data"]["id"].as_u64()) {
                    let _ = arrivals.send((id, at));
                }
            }
        });
    }
    println!(
        "{} connections opened and subscribed in {:.1} s",
        args.connections,
        opened.elapsed().as_secs_f64()
    );

    let db = sqlx::MySqlPool::connect(&args.database).await.expect("the database");
    let mut fan_outs = Vec::new();
    let mut answers = Vec::new();
    println!("change  POST answered  last push received  statements");
    for change in 1..=args.changes {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let before = statements_executed(&db).await;
        let sent = Instant::now();
        let created: Value = http
            .post(format!("{api}/diagnostics"))
            .bearer_auth(&access)
            .json(&json!({"modality": format!("Fan-out {change} {}", uuid::Uuid::new_v4())}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let answered = sent.elapsed();
        let id = created["id"].as_u64().expect("created");
        let mut received = 0;
        let mut last = sent;
        while received < args.connections {
            let (pushed, at) = tokio::time::timeout(Duration::from_secs(10), arrived.recv())
                .await
                .expect("every push arrives within 10 s")
                .unwrap();
            if pushed == id {
                received += 1;
                last = last.max(at);
            }
        }
        let statements = statements_executed(&db).await - before;
        let fan_out = last - sent;
        println!(
            "{change:>6}  {:>10.1} ms  {:>14.1} ms  {statements:>10}",
            ms(answered),
            ms(fan_out)
        );
        fan_outs.push(fan_out);
        answers.push(answered);
    }
    fan_outs.sort();
    answers.sort();
    println!(
        "POST to last of {} pushes: median {:.1} ms, worst {:.1} ms (POST answered: median {:.1} ms)",
        args.connections,
        ms(fan_outs[fan_outs.len() / 2]),
        ms(fan_outs[fan_outs.len() - 1]),
        ms(answers[answers.len() / 2])
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Prepared statements the server has executed so far, every client's.
async fn statements_executed(db: &sqlx::MySqlPool) -> i64 {
    // Sent as text, not prepared: it does not count itself.
    let row =
        sqlx::raw_sql("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'").fetch_one(db).await.unwrap();
    row.get::<String, _>(1).parse().unwrap()
}
