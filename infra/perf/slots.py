#!/usr/bin/env python3
"""Free slots and a doctor's calendar, measured (infra/perf/slots.sh runs this).

    slots.py BASE_URL MONDAY

p50 and p95 of REPEAT requests of each kind over one kept-alive connection, after warming up.
"""

import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from scale import Client, measure, sign_in  # noqa: E402


def main():
    base, monday = sys.argv[1], datetime.date.fromisoformat(sys.argv[2])
    client = Client(base)
    token = sign_in(client, "root@perf.test")
    week = f"date_from={monday}&date_to={monday + datetime.timedelta(days=6)}"
    _, answer = client.timed(f"booking_doctor/free_slots?specialty=Cardiology&{week}", token)
    doctors = answer["doctors"]
    slots = sum(len(d["slots"]) for d in doctors)
    doctor = doctors[0]["doctor"]["id"]
    print(f"{len(doctors)} cardiologists, {slots} free slots in the week of {monday}")
    rows = [
        ("a week, the whole specialty (50 doctors)",
         f"booking_doctor/free_slots?specialty=Cardiology&{week}"),
        ("a week, one doctor", f"booking_doctor/free_slots?doctor_id={doctor}&{week}"),
        ("a day, the whole specialty",
         f"booking_doctor/free_slots?specialty=Cardiology&date_from={monday}&date_to={monday}"),
        ("a doctor's day list (calendar)",
         f"booking_doctor?doctor_id={doctor}&date_from={monday}&date_to={monday}"
         "&order=date_time&size=50"),
    ]
    print("| request | p50 ms | p95 ms |\n|---|---:|---:|")
    for label, path in rows:
        status, _ = client.call("GET", path, token)
        if status != 200:
            print(f"| {label} | ({status}: not served by this build) | |")
            continue
        p50, p95 = measure(client, token, path)
        print(f"| {label} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
