//! How long one password hash takes here: `cargo run --release -p qhealth --example hash_timing`.

use std::time::Instant;

use qhealth::auth::Passwords;

#[tokio::main]
async fn main() {
    let passwords = Passwords::new(1);
    let mut timings = Vec::new();
    for _ in 0..21 {
        let start = Instant::now();
        let hash = passwords.hash("Perf#Secret1".to_owned()).await.expect("hash");
        let hashed = start.elapsed();
        let start = Instant::now();
        assert!(passwords.verify("Perf#Secret1".to_owned(), Some(hash)).await.expect("verify"));
        timings.push((hashed, start.elapsed()));
    }
    timings.sort();
    let (hash, verify) = timings[timings.len() / 2];
    println!(
        "argon2id m=19456 KiB, t=2, p=1: median hash {hash:.1?}, verify {verify:.1?} (21 runs)"
    );
}
