#!/usr/bin/env python3
"""Live updates, end to end against a running gateway, with nothing but Python's standard library.

Signs in as a staff member, opens /ws with a socket token, subscribes to `booking_diagnostic`,
adds a modality and books a patient for it over HTTP, and waits for the booking's push on the
socket. Prints the latency from sending the booking to receiving its push; exits 1 if it did not
arrive within --limit seconds (default 1), 2 if something else went wrong. Removes what it made.

    python3 tests/ws_probe.py --base http://127.0.0.1:8080 --email E --password P --patient-id N
"""

import argparse
import base64
import hashlib
import json
import os
import random
import socket
import struct
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class ProbeError(Exception):
    pass


def http(base, method, path, body=None, token=None):
    """(status, JSON body or None) of one API request."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + "/api" + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    return status, (json.loads(text) if text else None)


def expect(result, status, what):
    if result[0] != status:
        raise ProbeError(f"{what}: expected {status}, got {result[0]}: {result[1]}")
    return result[1]


class WebSocket:
    """A minimal RFC 6455 client: text frames out (masked), text frames in."""

    def __init__(self, url, timeout=5.0):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        target = parts.path + ("?" + parts.query if parts.query else "")
        handshake = (
            f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(handshake.encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ProbeError("the gateway closed the connection during the handshake")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise ProbeError(f"/ws refused the connection: {lines[0]}")
        accept = base64.b64encode(hashlib.sha1((key + WEBSOCKET_GUID).encode()).digest()).decode()
        headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
        if headers.get("sec-websocket-accept") != accept:
            raise ProbeError("the handshake's Sec-WebSocket-Accept is wrong")

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ProbeError("the socket closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send_frame(self, opcode, payload):
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, message):
        self._send_frame(0x1, json.dumps(message).encode())

    def receive(self):
        """The next text message, as JSON; pings are answered on the way."""
        message = b""
        while True:
            first, second = self._read(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._read(8))
            mask = self._read(4) if second & 0x80 else None
            payload = self._read(length)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise ProbeError("the gateway closed the socket")
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += payload
                if first & 0x80:
                    return json.loads(message)

    def close(self):
        try:
            self._send_frame(0x8, b"")
        finally:
            self.sock.close()


def probe(args):
    base = args.base.rstrip("/")
    tokens = expect(http(base, "POST", "/auth", {"email": args.email, "password": args.password}), 200, "sign-in")
    access = tokens["access"]
    socket_token = expect(http(base, "GET", "/auth/socket", token=access), 200, "socket token")["token"]
    ws_base = base.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
    live = WebSocket(f"{ws_base}/ws?token={urllib.parse.quote(socket_token)}")
    modality_id = booking_id = None
    try:
        live.send({"action": "subscribe", "stream": "booking_diagnostic", "request_id": 1})
        ack = live.receive()
        if ack != {"request_id": 1, "status": "subscribed", "stream": "booking_diagnostic"}:
            raise ProbeError(f"unexpected answer to subscribe: {ack}")
        print("subscribed to booking_diagnostic")
        modality = f"Probe {random.randrange(10**9)}"
        modality_id = expect(http(base, "POST", "/diagnostics", {"modality": modality}, access), 201, "add a modality")["id"]

        booking = {"user_id": args.patient_id, "diagnostics_id": modality_id, "date_time": "2099-12-01T09:00"}
        answered = {}

        def book():
            answered["result"] = http(base, "POST", "/booking_diagnostic", booking, access)
            answered["at"] = time.monotonic()

        sent_at = time.monotonic()
        booker = threading.Thread(target=book)
        booker.start()
        live.sock.settimeout(args.limit + 2)
        while True:
            push = live.receive()
            if push.get("stream") == "booking_diagnostic" and push.get("action") == "create":
                received_at = time.monotonic()
                break
        booker.join()
        booking_id = expect(answered["result"], 201, "book the patient")["id"]
        if push.get("data", {}).get("id") != booking_id or push.get("request_id") != 1:
            raise ProbeError(f"the push is not the new booking: {push}")
        latency = received_at - sent_at
        print(
            f"booking {booking_id} pushed over /ws {latency * 1000:.1f} ms after it was sent "
            f"(the POST answered after {(answered['at'] - sent_at) * 1000:.1f} ms)"
        )
        return 0 if latency <= args.limit else 1
    except socket.timeout:
        print("ws_probe: the socket stayed silent (no answer or no push in time)", file=sys.stderr)
        return 1
    finally:
        live.close()
        if booking_id is not None:
            http(base, "DELETE", f"/booking_diagnostic/{booking_id}", token=access)
        if modality_id is not None:
            http(base, "DELETE", f"/diagnostics/{modality_id}", token=access)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the gateway, e.g. http://127.0.0.1:8080")
    parser.add_argument("--email", required=True, help="an admin or superuser (it adds a modality)")
    parser.add_argument("--password", required=True)
    parser.add_argument("--patient-id", type=int, required=True, help="the patient to book")
    parser.add_argument("--limit", type=float, default=1.0, help="seconds the push may take")
    args = parser.parse_args()
    try:
        return probe(args)
    except (ProbeError, OSError, ValueError, KeyError) as error:
        print(f"ws_probe: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
