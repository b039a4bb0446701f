#!/usr/bin/env python3
"""A Thai national ID card for the virtual reader of vsmartcard-vpcd (a test card, not a real one).

It connects to vpcd's socket like a card inserted in the reader, and answers the Thai ID applet's
SELECT, READ BINARY and GET RESPONSE as the card does (see crates/idcard/src/apdu.rs for the
commands and their public sources). Closing the connection is pulling the card out.

vpcd protocol: every message is a 2-byte big-endian length and its payload. A 1-byte payload
from vpcd is a control: 0 power off, 1 power on, 2 reset (no answer), 4 "send your ATR". Any
longer payload is a command APDU, answered with the response APDU.

Usage: thai_id_card.py --cards cards.json --card p01 [--port 35963] [--non-thai]
       [--pull-after N] [--empty-answer-after N] [--photo-out FILE]
Prints "inserted" once connected; exits when pulled or when vpcd goes away.
"""
import argparse
import json
import os
import socket
import struct
import sys
import time

APPLET = bytes.fromhex("A000000054480001")
THAI_ATR = bytes.fromhex("3B68000000" "73C84013009000")
OTHER_ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
FILE_SIZE = 0x1579 + 100
FIELDS = {  # name: (offset, length)
    "national_id": (0x0004, 13),
    "name_th": (0x0011, 100),
    "name_en": (0x0075, 100),
    "birth_date": (0x00D9, 8),
    "sex": (0x00E1, 1),
    "issued": (0x0167, 8),
    "expires": (0x016F, 8),
    "address": (0x1579, 100),
    "issuer": (0x00F6, 100),
}
PHOTO_OFFSET, PHOTO_LEN = 0x017B, 20 * 255


PHOTO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "photo.jpg")


def photo_for(card_id):
    """The card's photo: a synthetic 96×120 grey JPEG of a head-and-shoulders silhouette (made
    with ffmpeg's geq filter; no real person), the same on every test card."""
    with open(PHOTO, "rb") as f:
        return f.read()


def card_file(card, card_id):
    data = bytearray(b" " * FILE_SIZE)
    for name, (offset, length) in FIELDS.items():
        value = card.get(name, "").encode("tis_620")  # only "issuer" may be left out
        assert len(value) <= length, f"{name} is longer than its field"
        data[offset:offset + len(value)] = value
    photo = photo_for(card_id)
    data[PHOTO_OFFSET:PHOTO_OFFSET + PHOTO_LEN] = photo + bytes(PHOTO_LEN - len(photo))
    return bytes(data), photo


class Card:
    def __init__(self, data, atr, thai):
        self.data, self.atr, self.thai = data, atr, thai
        self.selected = False
        self.pending = b""

    def answer(self, apdu):
        cla, ins, p1, p2 = apdu[0], apdu[1], apdu[2], apdu[3]
        if (cla, ins, p1) == (0x00, 0xA4, 0x04):
            self.selected = self.thai and apdu[5:5 + apdu[4]] == APPLET
            return b"\x61\x0a" if self.selected else b"\x6a\x82"
        if (cla, ins) == (0x80, 0xB0) and self.selected and len(apdu) == 7:
            offset, length = (p1 << 8) | p2, apdu[6]
            self.pending = self.data[offset:offset + length]
            return bytes([0x61, len(self.pending)])
        if (cla, ins, p1) == (0x00, 0xC0, 0x00) and self.pending:
            # Cards whose ATR starts 3B 67 want P2 = 1, the others P2 = 0.
            if p2 != (1 if self.atr[:2] == b"\x3b\x67" else 0):
                return b"\x6a\x86"
            out, self.pending = self.pending[:apdu[4]], b""
            return out + b"\x90\x00"
        return b"\x6d\x00"


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        # vpcd writes the length and the command separately: acknowledge at once, or Nagle's
        # algorithm on its side and delayed ACKs here add ~40 ms to every command, which a
        # card on a real reader does not have. Linux clears TCP_QUICKACK after each read.
        if hasattr(socket, "TCP_QUICKACK"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def send(sock, payload):
    sock.sendall(struct.pack(">H", len(payload)) + payload)


def connect(host, port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return socket.create_connection((host, port))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", required=True)
    ap.add_argument("--card", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=35963)
    ap.add_argument("--non-thai", action="store_true", help="another card: no Thai ID applet")
    ap.add_argument("--pull-after", type=int, help="pulled during the Nth command: no answer")
    ap.add_argument("--empty-answer-after", type=int,
                    help="the Nth command gets a 0-byte answer (no status word), then pulled")
    ap.add_argument("--photo-out", help="write the photo the card holds to this file")
    args = ap.parse_args()

    people = {c["id"]: c for c in json.load(open(args.cards, encoding="utf-8"))["cards"]}
    person = people[args.card]
    data, photo = card_file(person["card"], person["id"])
    if args.photo_out:
        with open(args.photo_out, "wb") as f:
            f.write(photo)
    atr = OTHER_ATR if args.non_thai else bytes.fromhex(person.get("atr", THAI_ATR.hex()))
    card = Card(data, atr, thai=not args.non_thai)

    sock = connect(args.host, args.port)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    print("inserted", flush=True)
    commands = 0
    while True:
        header = recv_exact(sock, 2)
        if header is None:
            return 0
        payload = recv_exact(sock, struct.unpack(">H", header)[0])
        if payload is None:
            return 0
        if len(payload) == 1:
            if payload[0] == 4:
                send(sock, atr)
            continue
        commands += 1
        if args.pull_after and commands == args.pull_after:
            sock.close()
            return 0
        if args.empty_answer_after and commands == args.empty_answer_after:
            send(sock, b"")
            sock.close()
            return 0
        send(sock, card.answer(payload))


if __name__ == "__main__":
    sys.exit(main())
