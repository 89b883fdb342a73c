#!/usr/bin/env python3
"""The lists of a clinic a few years old, measured (infra/perf/scale.sh runs this).

    scale.py BASE_URL DATABASE PATIENTS OUT.md

Against a gateway serving a clinic seeded by infra/perf/scale-seed.sql, for every list: its
first, middle and last page, each filter, a patient's own list, and the list right after a write
that changes it, one request at a time (p50 and p95 of REPEAT requests over one kept-alive
connection, after warming up); then the visit, journal and patient lists at 16 connections
(wrk); then, for one request of each kind, every statement the gateway ran for it (from
MariaDB's general log) with its EXPLAIN and the rows ANALYZE says it read. Writes the tables to
OUT.md and prints them.
"""

import datetime
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse

PASSWORD = "Perf#Secret1"
REPEAT = 60
AFTER_WRITE_REPEAT = 30


class Client:
    """One kept-alive HTTP connection to the gateway."""

    def __init__(self, base):
        url = urllib.parse.urlparse(base)
        self.host, self.port = url.hostname, url.port
        self.connection = http.client.HTTPConnection(self.host, self.port)

    def call(self, method, path, token=None, body=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body) if body is not None else None
        self.connection.request(method, "/api/" + path, body=payload, headers=headers)
        answer = self.connection.getresponse()
        data = answer.read()
        return answer.status, (json.loads(data) if data else None)

    def timed(self, path, token):
        started = time.perf_counter()
        status, body = self.call("GET", path, token)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            sys.exit(f"GET {path}: {status} {body}")
        return elapsed, body


def sign_in(client, email):
    status, body = client.call("POST", "auth", body={"email": email, "password": PASSWORD})
    if status != 200:
        sys.exit(f"cannot sign in as {email}: {status} {body}")
    return body["access"]


def percentiles(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered), p95


def pages(client, token, path):
    """The first, middle and last page of a list, as (label, path)."""
    _, body = client.timed(path, token)
    last = body["total_pages"]
    return [("first", path), ("middle", f"{path}&page={max(1, last // 2)}"),
            ("last", f"{path}&page={last}")], body["total_items"]


class Writes:
    """Changes that move a list's total, one new one each time."""

    def __init__(self, client, token, patients, doctor_id, modality_ids):
        self.client, self.token, self.patients = client, token, patients
        self.doctor_id, self.modality_ids = doctor_id, modality_ids
        self.n = int(time.time()) % 100_000

    def post(self, path, body):
        # A run on a database an earlier run wrote to may meet its visits and bookings (409):
        # the next one is tried.
        for _ in range(20):
            self.n += 1
            status, answer = self.client.call("POST", path, self.token, body(self.n))
            if status in (200, 201, 401, 429):
                return
            if status != 409:
                break
        sys.exit(f"POST {path}: {status} {answer}")

    def patient(self, n):
        return 1001 + (n * 37) % self.patients

    def visit(self):
        self.post("booking_doctor", lambda n: {
            "user_id": self.patient(n), "doctor_id": self.doctor_id,
            "date_time": (datetime.datetime(2031, 1, 1) + datetime.timedelta(hours=n)).isoformat()})

    def journal_entry(self):
        self.post("patient_card", lambda n: {
            "diagnosis": "Acute bronchitis", "description": "Cough for a week.",
            "planning": "Rest and fluids.", "user_id": self.patient(n)})

    def prescription(self):
        self.post("patient_recipe", lambda n: {
            "recipe": "Paracetamol 500 mg", "description": "As needed.",
            "user_id": self.patient(n)})

    def diagnostic_booking(self):
        # The seed gave patient k one modality, number k % 30; another one is free.
        def body(n):
            k = 1 + (n * 37) % self.patients
            modality = self.modality_ids[(k + 1 + n // self.patients) % 30]
            return {"user_id": 1000 + k, "diagnostics_id": modality, "date_time": "2031-06-01T10:00"}
        self.post("booking_diagnostic", body)

    def registration(self):
        self.post("users", lambda n: {
            "email": f"new{n}.{time.time_ns()}@perf.test", "password": PASSWORD,
            "profile": {"name": "Nils", "surname": "Nyqvist", "date_of_birth": "1990-01-01",
                        "gender": "Male", "phone_number": "+46701234567"}})

    def failed_sign_in(self):
        self.post("auth", lambda n: {"email": f"nobody{n}@perf.test", "password": "Wrong#123x"})


def measure(client, token, path, repeat=REPEAT):
    for _ in range(3):
        client.timed(path, token)
    samples = [client.timed(path, token)[0] for _ in range(repeat)]
    return percentiles(samples)


def measure_after_writes(client, token, path, write):
    client.timed(path, token)
    samples = []
    for _ in range(AFTER_WRITE_REPEAT):
        write()
        samples.append(client.timed(path, token)[0])
    return percentiles(samples)


def wrk(base, token, path, seconds=15):
    script = ("wrk.headers['Authorization'] = 'Bearer %s'\n"
              "done = function(summary, latency, requests)\n"
              "  io.write(string.format('RESULT %%.1f %%.2f %%.2f %%.2f\\n', "
              "summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, "
              "latency:percentile(95) / 1000, latency:percentile(99) / 1000))\n"
              "end\n") % token
    with open("/tmp/qhealth-scale.lua", "w") as f:
        f.write(script)
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", "/tmp/qhealth-scale.lua",
                          f"{base}/api/{path}"], capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    rps, p50, p95, p99 = map(float, line.split()[1:])
    errors = [l.strip() for l in out.splitlines() if "Non-2xx" in l or "Socket errors" in l]
    return rps, p50, p95, p99, errors


def mysql(database, sql):
    port = os.environ.get("MARIADB_PORT", "3306")
    return subprocess.run(["mysql", "-h127.0.0.1", f"-P{port}", "-uroot", "-N", "-B", database,
                           "-e", sql], capture_output=True, text=True, check=True).stdout


def seeded_dates(patients):
    """A day and a week in the middle of the seeded visits (every doctor every three hours from
    1 June 2023, 800 visits a day) and of the timed diagnostic bookings (one every seven minutes
    from 8 January 2024), as clinic dates."""
    visit_days = patients * 10 // 800
    day = datetime.date(2023, 6, 1) + datetime.timedelta(days=visit_days // 2)
    booking_days = patients * 7 // (24 * 60)
    booking_day = datetime.date(2024, 1, 8) + datetime.timedelta(days=booking_days // 2)
    week = lambda first: f"date_from={first}&date_to={first + datetime.timedelta(days=6)}"
    return day, week(day), week(booking_day)


def statements_of(client, token, path, database):
    """The SELECTs the gateway ran for one GET, from the general log (on since the start)."""
    mysql(database, "TRUNCATE TABLE mysql.general_log")
    client.timed(path, token)
    # The log is the server's: only the statements of the connections to this database (the
    # gateway's) are this request's.
    rows = mysql(database, "SELECT REPLACE(CONVERT(argument USING utf8mb4), '\\n', ' ') "
                           "FROM mysql.general_log WHERE command_type = 'Execute' "
                           "AND argument LIKE 'SELECT%' AND thread_id IN "
                           "(SELECT id FROM information_schema.processlist WHERE db = DATABASE()) "
                           "ORDER BY event_time")
    return [row for row in rows.splitlines() if row.strip()]


def rows_read(plan):
    total = 0.0
    if isinstance(plan, dict):
        table = plan.get("table")
        if isinstance(table, dict):
            total += (table.get("r_rows") or 0) * max(table.get("r_loops") or 0, 1)
        total += sum(rows_read(value) for value in plan.values())
    elif isinstance(plan, list):
        total += sum(rows_read(item) for item in plan)
    return total


def explain(database, statement):
    table = mysql(database, f"EXPLAIN {statement}")
    analyzed = json.loads(mysql(database, f"ANALYZE FORMAT=JSON {statement}").replace("\\n", "\n"))
    header = "id\tselect_type\ttable\ttype\tpossible_keys\tkey\tkey_len\tref\trows\tExtra"
    return header + "\n" + table.rstrip(), rows_read(analyzed)


def main():
    base, database, patients, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    # MariaDB's general log shows a prepared statement's values only if it was prepared while
    # the log was on: it is on from the first request until the statements are explained.
    mysql(database, "SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 'ON'")
    client = Client(base)
    root = sign_in(client, "root@perf.test")
    patient = sign_in(client, "person1@perf.test")
    _, doctors = client.timed("roles/doctor_list?size=1", root)
    doctor_id = doctors["data"][0]["user"]["id"]
    _, modalities = client.timed("diagnostics?size=25", root)
    _, more = client.timed("diagnostics?size=25&page=2", root)
    modality_ids = [m["id"] for m in modalities["data"] + more["data"]]
    writes = Writes(client, root, patients, doctor_id, modality_ids)
    day, week, booking_week = seeded_dates(patients)
    doctors_day = f"date_from={day}&date_to={day}&doctor_id={doctor_id}&order=date_time"

    lists = [
        ("visits", "booking_doctor?size=25", writes.visit,
         ["order=-id", "status=booked", "status=cancelled", "specialty=cardio", "doctor_name=an",
          "doctor_surname=lind", "patient_name=anna", "patient_surname=lind",
          "patient_surname=zetter", "patient_surname=lind&status=cancelled"]),
        ("journal entries", "patient_card?size=25", writes.journal_entry,
         ["order=-id", "diagnosis=migr", "patient_name=anna", "patient_surname=lind",
          "patient_surname=zetter", "diagnosis=migr&patient_surname=lind"]),
        ("prescriptions", "patient_recipe?size=25", writes.prescription,
         ["recipe=ibupro", "patient_surname=lind", "patient_surname=zetter"]),
        ("diagnostic bookings", "booking_diagnostic?size=25", writes.diagnostic_booking,
         ["diagnostic_service=mri", "patient_surname=lind", "order=-id"]),
        ("users", "users?size=25", writes.registration,
         ["icontains_surname=lind", "icontains_surname=zetter", "icontains_city=malm",
          "gender=Female", "date_of_birth=1990-05-05", "min_age=30&max_age=40"]),
        ("patients", "users/patient?size=25", writes.registration,
         ["icontains_name=anna", "icontains_surname=lind", "gender=Male"]),
        ("staff", "roles?size=25", None, ["icontains_role=doc", "icontains_surname=berg"]),
        ("doctors", "roles/doctor_list?size=25", None, ["icontains_specialty=neuro"]),
        ("modalities", "diagnostics?size=25", None, ["modality=mri"]),
        ("login history", "security?size=25", writes.failed_sign_in,
         ["success=false", "order=-created_at", "order=success"]),
        # Lists by date (docs/API.md, "Lists by date").
        ("visits by date", "booking_doctor?size=25&order=date_time", writes.visit,
         ["order=-date_time", f"{week}", f"{week}&order=-id", f"{week}&order=-date_time",
          f"{week}&status=booked&order=date_time", f"doctor_id={doctor_id}",
          f"doctor_id={doctor_id}&order=-date_time", doctors_day,
          f"{week}&specialty=cardio&order=date_time", f"{week}&patient_surname=lind&order=date_time",
          f"{week}&patient_surname=zetter&order=date_time"]),
        ("visits, a week by date", f"booking_doctor?size=25&{week}&order=date_time", None, []),
        ("diagnostic bookings by date", "booking_diagnostic?size=25&order=date_time",
         writes.diagnostic_booking,
         ["order=-date_time", f"{booking_week}&order=date_time",
          f"{booking_week}&diagnostic_service=ct&order=date_time"]),
    ]
    own_lists = ["booking_doctor?size=25", "patient_card?size=25", "patient_recipe?size=25",
                 "booking_diagnostic?size=25", "booking_doctor?size=25&order=-date_time",
                 "booking_diagnostic?size=25&order=date_time"]

    explanations = []
    for name, path, _, filters in lists:
        page_paths, _ = pages(client, root, path)
        for explained in [page_paths[1][1]] + ([f"{path}&{filters[-1]}"] if filters else []):
            statements = [(statement, *explain(database, statement))
                          for statement in statements_of(client, root, explained, database)]
            explanations.append((name, explained, statements))
    mysql(database, "SET GLOBAL general_log = 'OFF'; TRUNCATE TABLE mysql.general_log")

    rows = []
    for name, path, write, filters in lists:
        page_paths, total = pages(client, root, path)
        for label, page_path in page_paths:
            rows.append((name, f"{label} page of {total:,}", page_path, *measure(client, root, page_path)))
        for extra in filters:
            filtered = f"{path}&{extra}"
            _, body = client.timed(filtered, root)
            rows.append((name, f"`{extra}` ({body['total_items']:,})", filtered,
                         *measure(client, root, filtered)))
        if write:
            rows.append((name, "first page right after a write", path,
                         *measure_after_writes(client, root, path, write)))
    for path in own_lists:
        label = path.split("?")[0] + "".join(
            f" `{p}`" for p in path.split("?")[1].split("&") if not p.startswith("size="))
        rows.append(("a patient's own", label, path, *measure(client, patient, path)))

    concurrent = []
    for name, path in [("visits, first page", "booking_doctor?size=25"),
                       ("visits, middle page", "booking_doctor?size=25&page=20000"
                        if patients >= 100_000 else "booking_doctor?size=25&page=2000"),
                       ("journal entries, first page", "patient_card?size=25"),
                       ("patients, `icontains_surname=lind`", "users/patient?size=25&icontains_surname=lind"),
                       ("visits by date, middle page", "booking_doctor?size=25&order=date_time&page="
                        + str(patients * 10 // 50)),
                       ("a doctor's day", f"booking_doctor?size=25&{doctors_day}"),
                       # The machine's speed that day: the modalities' list is one statement, and
                       # its code the same as when docs/PERFORMANCE.md was first measured.
                       ("modalities (reference)", "diagnostics?size=25")]:
        concurrent.append((name, path, *wrk(base, root, path)))

    lines = [f"One request at a time ({REPEAT} each, {AFTER_WRITE_REPEAT} after writes; "
             "milliseconds, measured by the client over one kept-alive connection):", "",
             "| list | request | p50 | p95 |", "|---|---|---:|---:|"]
    lines += [f"| {name} | {label} | {p50:.1f} | {p95:.1f} |" for name, label, _, p50, p95 in rows]
    lines += ["", "16 connections (wrk -t2 -c16 -d15s):", "",
              "| request | requests/s | p50 | p95 | p99 |", "|---|---:|---:|---:|---:|"]
    for name, path, rps, p50, p95, p99, errors in concurrent:
        note = f" ({'; '.join(errors)})" if errors else ""
        lines.append(f"| {name} (`{path}`){note} | {rps:,.0f} | {p50:.1f} | {p95:.1f} | {p99:.1f} |")
    report = "\n".join(lines)
    print(report)
    with open(out, "w") as f:
        f.write(report + "\n")

    print("\n== The statements of one request of each kind, with EXPLAIN and the rows ANALYZE read")
    for name, path, statements in explanations:
        print(f"\n-- {name}: GET /api/{path}")
        for statement, table, read in statements:
            print(f"\n{statement}\n{table}\nrows read (ANALYZE): {read:,.0f}")

if __name__ == "__main__":
    main()
