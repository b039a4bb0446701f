#!/usr/bin/env python3
"""Numbers, dates and times written by a peer library (PyThaiNLP), read back by the extractor.

Generates CASES cases with PyThaiNLP at run time (num_to_thaiword for quantities and ages, bahttext
for money,
thai_strftime for dates in every month form, weekday forms, พ.ศ. / ค.ศ., Thai digits, and
time_to_thaiword for times), runs the extractor command on each (as the shared scorer does) and
prints the exact rate (cases whose every expected leaf is right and nothing else is filled) and
the number of values filled at or above the confirmation threshold that are wrong. Exits 1 under
--min-exact (percent) or on any confidently wrong value.

Usage: peer_eval.py [--cases N] [--seed S] [--min-exact 99.5] [--write FILE] [--show] -- COMMAND...
       (COMMAND as for score_extract.py: "{today}" is replaced by the case's date)
"""
import datetime
import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from pythainlp.util import bahttext, num_to_thaiword, thai_strftime, time_to_thaiword

here = os.path.dirname(os.path.abspath(__file__))
shared = os.environ.get("BANTHUEK_SHARED") or os.path.join(here, "../../../../../shared")
sys.path.insert(0, os.path.join(shared, "eval"))
from score_extract import leaves, score  # noqa: E402  (the shared scorer's own comparison)

LOW_CONFIDENCE = 0.80  # banthuek_core::record::LOW_CONFIDENCE

ITEMS = [("ยาบ้า", "เม็ด"), ("เงินสด", "บาท"), ("ยาไอซ์", "กรัม"), ("กระสุนปืน", "นัด"),
         ("โทรศัพท์มือถือ", "เครื่อง"), ("กัญชาแห้ง", "ถุง"), ("ธนบัตร", "ฉบับ")]
NAMES = [("สมชาย", "ใจดี"), ("กาญจนา", "พรหมมา"), ("ธีรศักดิ์", "ทองดี"), ("วิไลวรรณ", "ศรีสุข")]
DATE_FORMATS = [
    "วันที่ %-d %B %Y",
    "วันที่ %-d %B พ.ศ. %Y",
    "วันที่ %d %b %Y",
    "วันที่ %-d %b %y",
    "%A ที่ %-d %B %Y",
    "%Aที่ %-d %B พ.ศ. %Y",
    "%A %-d %B %Y",
    "วันที่ %-d เดือน%B ปี %Y",
    "%-d %B %Y",
    "%x",
    "%v",
    "WORDS",      # day and year in words
    "WORDS_CE",   # day in words, ค.ศ. year in digits
    "CE",         # ค.ศ. year in digits
]


def thai_words(n):
    return num_to_thaiword(n)


def date_text(rng, d):
    fmt = rng.choice(DATE_FORMATS)
    if fmt == "WORDS":
        return f"วันที่ {thai_words(d.day)} {thai_strftime(d, '%B')} {thai_words(d.year + 543)}"
    if fmt == "WORDS_CE":
        return f"วันที่ {thai_words(d.day)} {thai_strftime(d, '%B')} ค.ศ. {d.year}"
    if fmt == "CE":
        return f"วันที่ {d.day} {thai_strftime(d, '%B')} ค.ศ. {d.year}"
    return thai_strftime(d, fmt, thaidigit=rng.random() < 0.2)


def random_date(rng):
    d = datetime.date(rng.randint(2015, 2030), rng.randint(1, 12), 1)
    # 10, 20 and 30 often: they end in สิบ, the word that used to swallow a month beginning with ธ.
    day = rng.choice([10, 20, 30, rng.randint(1, 31), rng.randint(1, 31)])
    while True:
        try:
            return d.replace(day=day)
        except ValueError:
            day -= 1


def random_number(rng):
    digits = rng.randint(1, 7)
    return rng.randint(1 if digits == 1 else 10 ** (digits - 1), 10 ** digits - 1)


def random_time(rng):
    fmt = rng.choice(["24h", "6h", "m6h"])
    h, m = rng.randint(0, 23), rng.choice([0, 30, rng.randint(0, 59)])
    if fmt == "m6h" and h == 18:
        h = 17  # "หกโมง" is 06:00 and 18:00 alike in this style: not a fair case
    precision = "s" if rng.random() < 0.1 else None
    t = f"{h:02d}:{m:02d}:00"
    words = time_to_thaiword(t, fmt, precision=precision) if precision else time_to_thaiword(t, fmt)
    return words, f"{h:02d}:{m:02d}"


def make_case(rng, k):
    today = "2030-12-31"
    kind = rng.choice(["quantity", "quantity_lone", "money", "age", "arrest_date",
                       "arrest_date_time", "recorded_date_time"])
    if kind == "money":
        baht = random_number(rng)
        satang = rng.randint(1, 99) if rng.random() < 0.3 else 0
        amount = (baht * 100 + satang) / 100 if satang else baht
        t = f"ของกลาง เงินสด {bahttext(amount)}"
        exp = {"seized_items": [{"description": "เงินสด", "quantity": amount, "unit": "บาท"}]}
    elif kind.startswith("quantity"):
        desc, unit = rng.choice(ITEMS)
        n = random_number(rng)
        space = " " if rng.random() < 0.6 else ""
        lead = "" if kind == "quantity_lone" else "ของกลาง "
        amount = "จำนวน " if rng.random() < 0.5 else ""
        t = f"{lead}{desc} {amount}{thai_words(n)}{space}{unit}"
        exp = {"seized_items": [{"description": desc, "quantity": n, "unit": unit}]}
    elif kind == "age":
        first, last = rng.choice(NAMES)
        a = rng.randint(12, 90)
        t = f"ได้จับกุมตัว นาย{first} {last} อายุ {thai_words(a)} ปี"
        exp = {"arrestees": [{"title": "นาย", "first_name": first, "last_name": last, "age": a}]}
    elif kind == "arrest_date":
        d = random_date(rng)
        t = f"จับกุมเมื่อ{date_text(rng, d)}"
        exp = {"arrest": {"date": d.isoformat()}}
    elif kind == "arrest_date_time":
        d = random_date(rng)
        words, hm = random_time(rng)
        t = f"จับกุมเมื่อ{date_text(rng, d)} เวลา {words}"
        exp = {"arrest": {"date": d.isoformat(), "time": hm}}
    else:
        d = random_date(rng)
        words, hm = random_time(rng)
        t = f"{date_text(rng, d)} เวลา {words}"
        exp = {"recorded": {"date": d.isoformat(), "time": hm}}
    return {"id": f"peer-{k:04d}-{kind}", "today": today, "transcript": t, "expected": exp}


def run(cmd, case):
    argv = [a.replace("{today}", case["today"]) for a in cmd]
    try:
        out = subprocess.run(argv, input=case["transcript"], capture_output=True, text=True, timeout=60)
        return json.loads(out.stdout) if out.returncode == 0 and out.stdout.strip() else {}
    except (subprocess.TimeoutExpired, json.JSONDecodeError, OSError):
        return {}


def confidently_wrong(case, predicted):
    exp = dict(leaves(case["expected"]))
    prov = predicted.get("provenance", {}) if isinstance(predicted, dict) else {}
    tops = {p.split("/")[1] for p in exp}
    wrong = []
    for p, v in leaves(predicted if isinstance(predicted, dict) else {}):
        if p.split("/")[1] not in tops or exp.get(p) == v:
            continue
        conf = prov.get(p, {}).get("confidence")
        if conf is None or conf >= LOW_CONFIDENCE:
            wrong.append((p, exp.get(p), v))
    return wrong


def main(argv):
    n, seed, min_exact, write, show = 1800, 13, None, None, False
    args = list(argv)
    while args and args[0] != "--":
        opt = args.pop(0)
        if opt == "--cases":
            n = int(args.pop(0))
        elif opt == "--seed":
            seed = int(args.pop(0))
        elif opt == "--min-exact":
            min_exact = float(args.pop(0))
        elif opt == "--write":
            write = args.pop(0)
        elif opt == "--show":
            show = True
        else:
            print(__doc__)
            return 2
    if not args or len(args) < 2:
        print(__doc__)
        return 2
    cmd = args[1:]
    rng = random.Random(seed)
    cases = [make_case(rng, k) for k in range(n)]
    if write:
        with open(write, "w", encoding="utf-8") as f:
            for c in cases:
                f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        predicted = list(pool.map(lambda c: run(cmd, c), cases))
    exact, confident_wrong, by_kind = 0, 0, {}
    for case, pred in zip(cases, predicted):
        tp, fp, fn, misses = score(case["expected"], pred)
        ok = fp == 0 and fn == 0
        exact += ok
        kind = case["id"].split("-", 2)[2]
        total, good = by_kind.get(kind, (0, 0))
        by_kind[kind] = (total + 1, good + ok)
        wrong = confidently_wrong(case, pred)
        confident_wrong += len(wrong)
        if (show and not ok) or wrong:
            print(f"{case['id']}: {case['transcript']}")
            for p, e, g in misses:
                print(f"    {p}: expected {e!r} got {g!r}")
            for p, e, g in wrong:
                print(f"    CONFIDENTLY WRONG {p}: expected {e!r} got {g!r}")
    rate = 100.0 * exact / max(n, 1)
    for kind, (total, good) in sorted(by_kind.items()):
        print(f"  {kind}: {good}/{total}")
    print(f"peer (PyThaiNLP) numbers, dates, times: exact={rate:.2f}% ({exact}/{n}) confidently_wrong={confident_wrong}")
    if confident_wrong or (min_exact is not None and rate < min_exact):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
