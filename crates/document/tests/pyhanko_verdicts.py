"""pyHanko's verdict on many altered copies of signed PDFs, in one process (byte_flips.rs).

Reads a job (JSON) on stdin:
  {"ca": "station-ca.pem",
   "cases": [{"pdf": "signed.pdf", "signatures": 1, "patches": [[[offset, byte], ...], ...]}]}
and writes, for each case, one list with one [valid, reason] per patch set. A copy is valid when
pyHanko finds the expected number of signatures and every one is intact, valid, trusted under the
station CA and allowed by its modification analysis (its bottom line), the last covering the whole
file. Each copy gets a fresh validation context: certificates embedded in one copy must not help
another. The copies are shared among one process per core (the verdicts take minutes on two).
"""

import io
import json
import logging
import multiprocessing
import sys

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

logging.disable(logging.CRITICAL)


def load_cert(path):
    with open(path, "rb") as f:
        data = f.read()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def verdict(data, expected, ca):
    try:
        reader = PdfFileReader(io.BytesIO(data))
        sigs = reader.embedded_regular_signatures
        if len(sigs) != expected:
            return [False, f"{len(sigs)} signatures"]
        for i, sig in enumerate(sigs):
            context = ValidationContext(trust_roots=[ca], allow_fetching=False)
            status = validate_pdf_signature(sig, context)
            if not status.bottom_line:
                return [False, f"signature {i}: {status.summary()}"]
            if i == len(sigs) - 1 and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
                return [False, f"signature {i}: coverage {status.coverage}"]
        return [True, ""]
    except Exception as e:  # a copy pyHanko cannot even read is not valid
        return [False, f"{type(e).__name__}: {e}"[:300]]


# Read once in the parent before the pool forks: the workers inherit them.
CA = None
ORIGINALS = []


def copy_verdict(task):
    case, signatures, patches = task
    data = bytearray(ORIGINALS[case])
    for offset, value in patches:
        data[offset] = value
    return verdict(bytes(data), signatures, CA)


def main():
    global CA
    job = json.load(sys.stdin)
    CA = load_cert(job["ca"])
    for case in job["cases"]:
        with open(case["pdf"], "rb") as f:
            ORIGINALS.append(f.read())
    # One worker per core (the pool's default).
    with multiprocessing.get_context("fork").Pool() as pool:
        out = [
            pool.map(
                copy_verdict,
                [(i, case["signatures"], p) for p in case["patches"]],
                chunksize=16,
            )
            for i, case in enumerate(job["cases"])
        ]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
