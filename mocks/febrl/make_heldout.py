#!/usr/bin/env python3
"""Held-out matching data made the FEBRL way, with records and a seed the matcher was never tuned on.

FEBRL's generator (Christen's dsgen, and its successor GeCo) makes duplicates of original records by
applying a few modifications each: keyboard typos (a letter inserted, deleted, replaced by a
neighbouring key, two letters transposed), OCR confusions (rn/m, 0/o, 1/l, 5/s), phonetic
substitutions (ph/f, ck/k, ie/y, …), a value missing, a value replaced by another from the same
list, given name and surname swapped, and digit errors in the date of birth. This script applies
those same modifications, each field as often as in FEBRL 1-4, with its own seed to new people: given names and surnames drawn
independently from the FEBRL originals' names, as often as they occur there (so the full names are
new), dates of birth
from 1900 to 2005. Standard library only:

    python3 mocks/febrl/make_heldout.py

writes heldout1.csv (10,000 students, 5,000 results, one duplicate each) and heldout2.csv (2,000
students, 3,000 results, up to five duplicates per record as FEBRL 3), in the format of
make_febrl.py: role,id,truth,first,last,dob.
"""
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
OCR = [("m", "rn"), ("o", "0"), ("l", "1"), ("s", "5"), ("g", "9"), ("b", "6"), ("i", "l"), ("u", "v"), ("e", "c")]
PHONETIC = [("ph", "f"), ("ck", "k"), ("ie", "y"), ("ee", "i"), ("ou", "u"), ("th", "t"), ("ey", "y"), ("c", "k"),
            ("z", "s"), ("mm", "m"), ("ll", "l"), ("nn", "n"), ("tt", "t"), ("ae", "e"), ("gh", "g")]


def neighbours(letter):
    for row_index, row in enumerate(KEYBOARD):
        if letter in row:
            column = row.index(letter)
            near = [row[c] for c in (column - 1, column + 1) if 0 <= c < len(row)]
            for other in (row_index - 1, row_index + 1):
                if 0 <= other < len(KEYBOARD) and column < len(KEYBOARD[other]):
                    near.append(KEYBOARD[other][column])
            return near
    return [letter]


def typo(value, rng):
    if len(value) < 2:
        return value
    at = rng.randrange(len(value))
    kind = rng.choice(["insert", "delete", "substitute", "substitute", "transpose"])
    if kind == "insert":
        return value[:at] + rng.choice(neighbours(value[at])) + value[at:]
    if kind == "delete":
        return value[:at] + value[at + 1:]
    if kind == "substitute":
        return value[:at] + rng.choice(neighbours(value[at])) + value[at + 1:]
    at = min(at, len(value) - 2)
    return value[:at] + value[at + 1] + value[at] + value[at + 2:]


def substitute(value, pairs, rng):
    options = [(a, b) for a, b in pairs if a in value] + [(b, a) for a, b in pairs if b in value]
    if not options:
        return typo(value, rng)
    a, b = rng.choice(options)
    at = rng.choice([i for i in range(len(value)) if value.startswith(a, i)])
    return value[:at] + b + value[at + len(a):]


def corrupt_name(value, pool, rng):
    kind = rng.choices(["typo", "ocr", "phonetic", "missing", "replace"], [0.55, 0.1, 0.15, 0.1, 0.1])[0]
    if kind == "typo":
        return typo(value, rng)
    if kind == "ocr":
        return substitute(value, OCR, rng)
    if kind == "phonetic":
        return substitute(value, PHONETIC, rng)
    if kind == "missing":
        return ""
    return rng.choice(pool)


def corrupt_date(value, rng):
    kind = rng.choices(["digit", "transpose", "missing", "replace"], [0.55, 0.2, 0.15, 0.1])[0]
    if kind == "missing":
        return ""
    if kind == "replace":
        return random_date(rng)
    at = rng.randrange(len(value) - 1)
    if kind == "transpose":
        return value[:at] + value[at + 1] + value[at] + value[at + 2:]
    return value[:at] + str(rng.randrange(10)) + value[at + 1:]


def random_date(rng):
    return f"{rng.randrange(1900, 2006)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"


def duplicate(person, pools, rng):
    """Each field is modified about as often as in FEBRL 1-4 (measured there: given name 31%,
    surname 33% of duplicates including 4% swapped, date of birth 9%; 44% of duplicates keep all
    three, 1% change all three)."""
    first, last, dob = person
    if rng.random() < 0.045:
        first, last = last, first
    if rng.random() < 0.28:
        first = corrupt_name(first, pools[0], rng)
    if rng.random() < 0.30:
        last = corrupt_name(last, pools[1], rng)
    if rng.random() < 0.09:
        dob = corrupt_date(dob, rng)
    return first, last, dob


def make(name, students, results, most_duplicates, pools, rng):
    people = [(rng.choice(pools[0]), rng.choice(pools[1]), random_date(rng)) for _ in range(students)]
    rows = [["roster", f"H{i}", "", *person] for i, person in enumerate(people)]
    made = 0
    for index in rng.sample(range(students), students):
        for copy in range(rng.randint(1, most_duplicates)):
            if made == results:
                break
            rows.append(["result", f"h-{index}-dup-{copy}", f"H{index}", *duplicate(people[index], pools, rng)])
            made += 1
    path = os.path.join(HERE, name)
    with open(path, "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["role", "id", "truth", "first", "last", "dob"])
        writer.writerows(rows)
    print(f"{path}: {students} roster, {made} results")


def main():
    # Lists with repeats, so that common names stay as common as in FEBRL.
    given, family = [], []
    for number in (1, 2, 3, 4):
        with open(os.path.join(HERE, f"febrl{number}.csv")) as source:
            for row in csv.DictReader(source):
                if row["role"] == "roster":
                    if row["first"]:
                        given.append(row["first"])
                    if row["last"]:
                        family.append(row["last"])
    pools = (given, family)
    rng = random.Random(20261201)
    make("heldout1.csv", 10_000, 5_000, 1, pools, rng)
    make("heldout2.csv", 2_000, 3_000, 5, pools, rng)


if __name__ == "__main__":
    main()
