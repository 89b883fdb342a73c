#!/usr/bin/env python3
"""Asks two QHealth gateways the same list questions and compares their answers byte for byte.

    same-answers.py OLD_URL OLD_DATABASE NEW_URL NEW_DATABASE PATIENTS

Both gateways serve a clinic seeded identically by infra/perf/scale-seed.sql (PATIENTS patients
and 300 staff members after them, every account with the password Perf#Secret1, `@now` set to
SEEDED_AT), in the MariaDB/MySQL databases named (on 127.0.0.1:3306, as root). Signing in
changes what lists show (`last_login`, the login history), so once every caller has signed in,
both databases are given the same values back. Every list
is asked for with each of its filters alone and in pairs, each order, and its first, second,
middle, last and past-the-end pages, as the superuser, a doctor, an operator, a pharmacist and a
patient (for the lists a patient may read). Prints each difference and exits 1 if there was one.
"""

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "Perf#Secret1"
SEEDED_AT = "2026-12-01 12:00:00"

# (path, filters): each filter alone, the listed pairs, and each order.
LISTS = {
    "users": [["icontains_name=an"], ["icontains_surname=lind"], ["icontains_surname=zetter"],
              ["icontains_city=malm"], ["icontains_country=swe"], ["gender=Female"],
              ["date_of_birth=1990-05-05"], ["min_age=30", "max_age=40"], ["min_age=80"],
              ["icontains_name=a", "gender=Male"], ["icontains_surname=berg", "icontains_city=o"],
              ["icontains_surname=zzz"], ["icontains_name=%"], ["icontains_name=_"]],
    "users/patient": [["icontains_name=an"], ["icontains_surname=lind"], ["gender=Female"],
                      ["min_age=30", "max_age=40"], ["icontains_city=malm", "gender=Male"],
                      ["icontains_surname=zetter"], ["icontains_country=sverige"]],
    "roles": [["icontains_role=doc"], ["icontains_specialty=card"], ["icontains_name=a"],
              ["icontains_surname=lind"], ["order=-id"], ["order=id"],
              ["icontains_role=pharm", "order=-id"]],
    "roles/doctor_list": [["icontains_specialty=neuro"], ["icontains_surname=berg"], ["order=-id"]],
    "diagnostics": [["modality=mri"], ["modality=ct", "order=-id"], ["order=-id"]],
    "booking_diagnostic": [["diagnostic_service=mri"], ["patient_name=an"],
                           ["patient_surname=lind"], ["patient_surname=zetter"], ["order=-id"],
                           ["diagnostic_service=x-ray", "patient_surname=berg"],
                           ["patient_name=a", "order=-id"]],
    "booking_doctor": [["status=booked"], ["status=cancelled"], ["specialty=cardio"],
                       ["doctor_name=an"], ["doctor_surname=lind"], ["patient_name=an"],
                       ["patient_surname=lind"], ["patient_surname=zetter"], ["order=-id"],
                       ["status=cancelled", "order=-id"], ["specialty=cardio", "status=booked"],
                       ["patient_surname=lind", "status=cancelled"],
                       ["doctor_surname=berg", "patient_surname=ström"],
                       ["patient_name=anna", "patient_surname=berg"], ["patient_surname=zzz"]],
    "patient_card": [["diagnosis=migr"], ["diagnosis=a"], ["patient_name=an"],
                     ["patient_surname=lind"], ["patient_surname=zetter"], ["order=-id"],
                     ["diagnosis=asthma", "patient_surname=berg"], ["diagnosis=zzz"],
                     ["diagnosis=migr", "order=-id"]],
    "patient_recipe": [["recipe=ibupro"], ["recipe=mg"], ["patient_surname=lind"],
                       ["patient_name=an", "order=-id"], ["recipe=ibupro", "patient_name=a"],
                       ["recipe=%"]],
    "security": [["success=true"], ["success=false"]] + [[f"order={o}"] for o in
                 ["id", "-id", "success", "-success", "created_at", "-created_at"]]
                + [["success=false", "order=-created_at"], ["success=true", "order=success"]],
}
# What a patient may list (their own rows).
PATIENT_LISTS = ["booking_diagnostic", "booking_doctor", "patient_card", "patient_recipe",
                 "diagnostics", "roles/doctor_list"]
BAD_QUERIES = ["size=0", "page=0", "page=x", "size=abc", "order=name", "status=Booked",
               "success=maybe", "min_age=abc", "gender=male", "date_of_birth=1990-13-01"]


def request(base, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method="POST" if body else "GET")
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def sign_in(base, email):
    status, body = request(base, "/api/auth", body={"email": email, "password": PASSWORD})
    if status != 200:
        sys.exit(f"{base}: cannot sign in as {email}: {status} {body[:200]!r}")
    return json.loads(body)["access"]


def encoded(parameter):
    name, value = parameter.split("=", 1)
    return f"{name}={urllib.parse.quote(value, safe='')}"


def questions(path, filter_sets):
    """Every query of a list: unfiltered and each filter set, at sizes 25 and 7."""
    for filters in [[]] + filter_sets:
        for size in (25, 7):
            yield path, "&".join([encoded(f) for f in filters] + [f"size={size}"])


def settle(database):
    """Undoes what signing in wrote: the attempts leave the history, last_login is the seed's."""
    sql = (f"DELETE FROM login_attempts WHERE created_at > '{SEEDED_AT}'; "
           f"UPDATE users SET last_login = '{SEEDED_AT}' WHERE last_login > '{SEEDED_AT}'")
    subprocess.run(["mysql", "-h127.0.0.1", "-uroot", database, "-e", sql], check=True)


def compare(old, new, tokens):
    differences = asked = 0

    def ask(who, path, query, page=None):
        nonlocal differences, asked
        url = f"/api/{path}?{query}" + (f"&page={page}" if page else "")
        answers = [request(base, url, token) for base, token in zip((old, new), tokens[who])]
        asked += 1
        if answers[0] != answers[1]:
            differences += 1
            print(f"DIFFERENT as {who}: {url}")
            for name, (status, body) in zip(("old", "new"), answers):
                print(f"  {name}: {status} {body[:300]!r}")
        return answers[0]

    for who in tokens:
        lists = LISTS if who != "patient" else {p: LISTS[p] for p in PATIENT_LISTS}
        for path, filter_sets in lists.items():
            for path_, query in questions(path, filter_sets):
                status, body = ask(who, path_, query)
                if status != 200:
                    continue
                pages = json.loads(body)["total_pages"]
                for page in sorted({2, pages // 2, pages - 1, pages, pages + 1} - {0, 1}):
                    ask(who, path_, query, page)
    for path in LISTS:
        for query in BAD_QUERIES:
            ask("superuser", path, query)
    print(f"{asked} questions, {differences} different answers")
    return differences


def main():
    old, old_database, new, new_database = sys.argv[1:5]
    patients = int(sys.argv[5])
    # Staff member n (after the patients) is a doctor, an operator or a pharmacist as n % 3 is
    # 0, 1 or 2 (scale-seed.sql).
    first_staff = patients + 1
    by_role = {(first_staff + k) % 3: first_staff + k for k in range(3)}
    accounts = {
        "superuser": "root@perf.test",
        "doctor": f"person{by_role[0]}@perf.test",
        "operator": f"person{by_role[1]}@perf.test",
        "pharmacist": f"person{by_role[2]}@perf.test",
        "patient": "person1@perf.test",
    }
    tokens = {who: [sign_in(base, email) for base in (old, new)] for who, email in accounts.items()}
    for database in (old_database, new_database):
        settle(database)
    sys.exit(1 if compare(old, new, tokens) else 0)


if __name__ == "__main__":
    main()
