#!/usr/bin/env python3
"""Cold starts of the Lambda functions, measured against a local Lambda Runtime API.

For each function's `bootstrap`, starts the binary N times (a fresh process each time, as a
cold Lambda instance is), serving it the Lambda Runtime API on a local port, and records:

- init: from exec to the function's first `GET /runtime/invocation/next` (its init phase:
  settings, the lazily connected pool, the SES and API Gateway clients);
- first response: from exec to the `POST .../response` of the first invocation, whose event is
  the function's sample from `infra/events/` (a real request, so it includes opening the first
  database connection and the query);
- peak RSS: the process's `VmHWM` after that first response.

Prints a Markdown table (medians over N starts, and the zip size when a `bootstrap.zip` sits
beside the binary) for docs/PERFORMANCE.md. Standard library only.

    infra/coldstart/measure.py --functions-dir target/lambda --runs 20 \
        --env DATABASE_URL=mysql://root@127.0.0.1:3306/qhealth_coldstart \
        --env JWT_SECRET=<the secret the token was signed with> --token <access token>

`--functions-dir` takes cargo-lambda's layout (`<dir>/qhealth-<function>/bootstrap`) or plain
cargo binaries (`target/x86_64-unknown-linux-gnu/release/qhealth-<function>`); `--zips-dir`
says where the `qhealth-<function>/bootstrap.zip` are, when not beside the binaries.
`infra/coldstart/run.sh` does it all: the x86_64 build (the arm64 binaries AWS runs cannot run
here), the database, the token, and this measurement with the arm64 zips' sizes.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import socketserver
import statistics
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "infra" / "events"
TOKEN_PLACEHOLDER = "REPLACE_WITH_ACCESS_TOKEN"

# Which sample event each function is first invoked with.
FIRST_EVENT = {
    "auth": "auth/qhealth_role.json",
    "users": "users/list.json",
    "roles": "roles/doctor_list.json",
    "diagnostics": "diagnostics/list.json",
    "booking-diagnostic": "booking-diagnostic/list.json",
    "booking-doctor": "booking-doctor/list.json",
    "patient-card": "patient-card/list.json",
    "patient-recipe": "patient-recipe/list.json",
    "sick-leave": "sick-leave/list.json",
    "audit": "audit/list.json",
    "security": "security/list.json",
    "ws": "ws/message-subscribe.json",
    "scheduler": "scheduler/outbox.json",
    "docs": "docs/openapi.json",
}


class Start:
    """One cold start: the instants the runtime API saw, in seconds since exec."""

    def __init__(self, event: bytes) -> None:
        self.event = event
        self.exec_at = 0.0
        self.first_poll: float | None = None
        self.response: float | None = None
        self.response_body = b""
        self.served = False
        self.done = threading.Event()


class RuntimeApi(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    start: Start


class Handler(http.server.BaseHTTPRequestHandler):
    server: RuntimeApi

    def log_message(self, *_args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        start = self.server.start
        if not self.path.endswith("/runtime/invocation/next"):
            self.send_error(404)
            return
        if start.first_poll is None:
            start.first_poll = time.perf_counter() - start.exec_at
        if start.served:
            # The function waits for its next event; it never comes (the process is stopped).
            start.done.wait(30)
            try:
                self.send_error(503)
            except OSError:
                pass  # the process was stopped while it waited: that is the point
            return
        start.served = True
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Lambda-Runtime-Aws-Request-Id", "coldstart-1")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30_000))
        self.send_header(
            "Lambda-Runtime-Invoked-Function-Arn",
            "arn:aws:lambda:eu-north-1:123456789012:function:qhealth-coldstart",
        )
        self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
        self.send_header("Content-Length", str(len(start.event)))
        self.end_headers()
        self.wfile.write(start.event)

    def do_POST(self) -> None:
        start = self.server.start
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if "/runtime/invocation/" in self.path and self.path.endswith("/response"):
            start.response = time.perf_counter() - start.exec_at
            start.response_body = body
        elif self.path.endswith("/error"):
            start.response_body = body
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()
        if self.path.endswith("/response") or self.path.endswith("/error"):
            start.done.set()


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cold_start(binary: Path, event: bytes, env: dict[str, str]) -> tuple[Start, int]:
    server = RuntimeApi(("127.0.0.1", 0), Handler)
    server.start = Start(event)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    run_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
        "AWS_LAMBDA_FUNCTION_NAME": "qhealth-coldstart",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/qhealth-coldstart",
        "AWS_LAMBDA_LOG_STREAM_NAME": "coldstart",
        "AWS_REGION": "eu-north-1",
        "AWS_ACCESS_KEY_ID": "coldstart",
        "AWS_SECRET_ACCESS_KEY": "coldstart",
        "AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH": "true",
        "RUST_LOG": "warn",
        **env,
    }
    server.start.exec_at = time.perf_counter()
    process = subprocess.Popen(
        [str(binary)], env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    finished = server.start.done.wait(30)
    rss = peak_rss_kib(process.pid) if process.poll() is None else 0
    process.kill()
    _, stderr = process.communicate()
    server.shutdown()
    server.server_close()
    if not finished or server.start.response is None:
        raise SystemExit(
            f"{binary}: no response to the first event\n{server.start.response_body[:500]!r}\n"
            f"{stderr.decode(errors='replace')[-2000:]}"
        )
    return server.start, rss


def event_for(function: str, token: str) -> bytes:
    text = (EVENTS / FIRST_EVENT[function]).read_text()
    return text.replace(TOKEN_PLACEHOLDER, token).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--functions-dir", type=Path, default=ROOT / "target" / "lambda")
    parser.add_argument("--zips-dir", type=Path, help="where <function>/bootstrap.zip are, if elsewhere")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--token", default="", help="an access token for the authenticated events")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the functions")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)

    rows, raw = [], {}
    for function in FIRST_EVENT:
        # cargo-lambda's layout (<dir>/qhealth-<function>/bootstrap), or plain cargo's binaries.
        candidates = [
            args.functions_dir / f"qhealth-{function}" / "bootstrap",
            args.functions_dir / f"qhealth-{function}",
        ]
        binary = next((path for path in candidates if path.is_file()), None)
        if binary is None:
            print(f"skipped {function}: no {candidates[0]}")
            continue
        event = event_for(function, args.token)
        starts = [cold_start(binary, event, env) for _ in range(args.runs)]
        init = statistics.median(s.first_poll or 0 for s, _ in starts) * 1000
        first = statistics.median(s.response or 0 for s, _ in starts) * 1000
        rss = statistics.median(r for _, r in starts) / 1024
        zips_dir = args.zips_dir or args.functions_dir
        zipped = zips_dir / f"qhealth-{function}" / "bootstrap.zip"
        zipped = zipped if zipped.exists() else None
        size = f"{zipped.stat().st_size / 1_000_000:.2f} MB" if zipped else "—"
        # HTTP functions answer an API Gateway response; the scheduler answers its job's summary.
        answer = json.loads(starts[0][0].response_body or b"{}")
        status = answer.get("statusCode", "job done") if isinstance(answer, dict) else "job done"
        rows.append((function, size, f"{init:.1f} ms", f"{first:.1f} ms", f"{rss:.1f} MB", status))
        raw[function] = {
            "init_ms": [round((s.first_poll or 0) * 1000, 2) for s, _ in starts],
            "first_response_ms": [round((s.response or 0) * 1000, 2) for s, _ in starts],
            "peak_rss_kib": [r for _, r in starts],
        }

    zips_dir = args.zips_dir or args.functions_dir
    for unmeasured in sorted(zips_dir.glob("qhealth-*/bootstrap.zip")):
        if unmeasured.parent.name.removeprefix("qhealth-") not in FIRST_EVENT:
            print(f"not measured: {unmeasured.parent.name} has no sample event in FIRST_EVENT")

    print(f"\n| function | zip | init (median of {args.runs}) | first response | peak RSS | first answer |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2))


if __name__ == "__main__":
    main()
