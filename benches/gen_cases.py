#!/usr/bin/env python3
"""Generate realistic kzrules cases (docs/contract.md) as JSON Lines on standard output.

Deterministic: the same --seed and -n give the same bytes. Standard library only.

    python3 benches/gen_cases.py -n 100000 --seed 1 > /tmp/cases.jsonl
    python3 benches/gen_cases.py -n 1 --seed 7 > /tmp/case.json       # one case file
    python3 benches/gen_cases.py -n 10 --events 2000 > /tmp/big.jsonl # long histories

Each case mixes citizenships (visa-free, EAEU, CIS, visa countries), documents
(passport, visa of several categories, work permit, residence permits, employment
contract), a host (legal entity, individual, hotel; sizes; past penalties), a purpose,
and a history of stays: entries and exits that alternate, notifications on time or late
(or missing), address changes, trips to other regions and returns, TRP applications
and visa extension applications. All dates lie in the years the embedded calendar
covers (2019 to 2026), so every case can be judged.
"""

import argparse
import datetime as dt
import json
import random
import sys

FIRST_DAY = dt.date(2019, 1, 10)
# Deadlines are counted on the calendar: keep every trigger well inside 2026.
LAST_DAY = dt.date(2026, 9, 30)

VISA_FREE = ["GB", "US", "DE", "FR", "IT", "JP", "KR", "TR", "AE", "NL", "ES", "AU"]
EAEU = ["RU", "KG", "AM", "BY"]
CIS = ["UZ", "TJ", "AZ", "MD"]
VISA_NEEDED = ["CN", "IN", "PK", "IR", "EG", "NG", "VN", "AF"]
CITIZENSHIPS = (
    [(c, "visa_free") for c in VISA_FREE]
    + [(c, "eaeu") for c in EAEU]
    + [(c, "cis") for c in CIS]
    + [(c, "visa") for c in VISA_NEEDED]
)
CITIZENSHIP_WEIGHTS = (
    [3] * len(VISA_FREE) + [6] * len(EAEU) + [5] * len(CIS) + [2] * len(VISA_NEEDED)
)

VISAS = [("C3", "multiple"), ("C3", "single"), ("B2", "single"), ("B2", "multiple"),
         ("A5", "single"), ("B1", "multiple"), ("B10", "single"), ("C5", "multiple")]
REGIONS = ["Almaty", "Astana", "Atyrau", "Mangystau", "Karaganda", "Shymkent",
           "Aktobe", "Pavlodar", "Kostanay", "Turkistan"]
PURPOSES = ["work", "business", "private", "tourism", "study", "family", "treatment",
            "investment", "transit"]
HOST_KINDS = ["legal_entity", "individual", "hotel"]
HOST_SIZES = ["small", "medium", "large", "non_profit", "official"]


def iso(day):
    return day.isoformat()


def clamp(day):
    return min(max(day, FIRST_DAY), LAST_DAY)


def business_like_delay(rng, on_time):
    """Days from a trigger to its notification: mostly on time, sometimes late."""
    if on_time:
        return rng.choice([0, 1, 1, 2, 2, 3, 4])
    return rng.choice([5, 6, 8, 12, 20, 45])


def make_case(rng, index, max_events):
    citizenship, group = rng.choices(CITIZENSHIPS, weights=CITIZENSHIP_WEIGHTS)[0]
    first_entry = FIRST_DAY + dt.timedelta(days=rng.randrange(0, (LAST_DAY - FIRST_DAY).days - 400))
    birth = dt.date(rng.randrange(1955, 2020), rng.randrange(1, 13), rng.randrange(1, 29))
    if birth >= first_entry:
        birth = dt.date(first_entry.year - 30, birth.month, birth.day)

    documents = []
    passport_until = first_entry + dt.timedelta(days=rng.choice([60, 400, 1500, 3000]))
    passport = {"kind": "passport", "valid_until": iso(passport_until)}
    if rng.random() < 0.7:
        passport["blank_pages"] = rng.choice([0, 1, 2, 4, 8, 12])
    documents.append(passport)

    needs_visa = group == "visa" or (group == "visa_free" and rng.random() < 0.25)
    if needs_visa:
        category, entries = rng.choice(VISAS)
        visa_from = first_entry - dt.timedelta(days=rng.randrange(0, 30))
        visa_until = clamp(visa_from + dt.timedelta(days=rng.choice([30, 90, 180, 365])))
        documents.append({"kind": "visa", "category": category, "entries": entries,
                          "valid_from": iso(visa_from), "valid_until": iso(visa_until)})
        if rng.random() < 0.2:
            # An extension: a second visa that starts the day after the first ends.
            documents.append({"kind": "visa", "category": category, "entries": entries,
                              "valid_from": iso(visa_until + dt.timedelta(days=1)),
                              "valid_until": iso(clamp(visa_until + dt.timedelta(days=90)))})
    purpose = rng.choice(PURPOSES)
    permit_region = None
    if purpose == "work" or rng.random() < 0.15:
        permit_region = rng.choice(REGIONS)
        wp_from = first_entry - dt.timedelta(days=rng.randrange(0, 60))
        documents.append({"kind": "work_permit", "region": permit_region,
                          "valid_from": iso(wp_from),
                          "valid_until": iso(clamp(wp_from + dt.timedelta(days=rng.choice([120, 365, 730]))))})
        if group in ("eaeu", "cis") and rng.random() < 0.5:
            documents.append({"kind": "employment_contract", "valid_from": iso(wp_from),
                              "valid_until": iso(clamp(wp_from + dt.timedelta(days=rng.choice([90, 180, 365]))))})
    if rng.random() < 0.06:
        rp_from = first_entry + dt.timedelta(days=rng.randrange(-400, 200))
        documents.append({"kind": "residence_permit", "valid_from": iso(rp_from),
                          "valid_until": iso(rp_from + dt.timedelta(days=3650))})
    if group in ("eaeu", "cis") and rng.random() < 0.1:
        trp_from = first_entry + dt.timedelta(days=rng.randrange(20, 60))
        documents.append({"kind": "temporary_residence_permit", "valid_from": iso(trp_from),
                          "valid_until": iso(clamp(trp_from + dt.timedelta(days=365)))})

    host = {"kind": rng.choices(HOST_KINDS, weights=[6, 3, 2])[0]}
    if host["kind"] != "individual":
        host["size"] = rng.choice(HOST_SIZES)
    if rng.random() < 0.15:
        host["penalties"] = [
            {"article": rng.choice(["518", "518", "517", "517-1"]),
             "date": iso(first_entry - dt.timedelta(days=rng.randrange(10, 500)))}
            for _ in range(rng.randrange(1, 4))
        ]

    # The history: stays of entries and exits that alternate, and what happened in them.
    events = []
    day = first_entry
    stays = rng.choices([1, 2, 3, 5, max(1, max_events // 6)], weights=[50, 25, 12, 8, 5])[0]
    open_at_end = rng.random() < 0.35
    notified_late = rng.random() < 0.2
    for stay in range(stays):
        if len(events) >= max_events - 2 or day > LAST_DAY - dt.timedelta(days=40):
            break
        entry = {"kind": "entry", "date": iso(day)}
        if rng.random() < 0.3:
            entry["time"] = "%02d:%02d" % (rng.randrange(0, 24), rng.randrange(0, 60))
        if stay == 0 and rng.random() < 0.3:
            entry["id"] = "arrival"
        events.append(entry)
        # The host's notification of arrival: on time, late, or missing.
        r = rng.random()
        if r < 0.85:
            late = notified_late and rng.random() < 0.7
            note = {"kind": "notification",
                    "date": iso(day + dt.timedelta(days=business_like_delay(rng, not late)))}
            if entry.get("id") and rng.random() < 0.5:
                note["for"] = "arrival"
            events.append(note)
        length = rng.choice([3, 10, 25, 29, 31, 45, 80, 89, 95, 120, 200, 300])
        stay_end = min(day + dt.timedelta(days=length), LAST_DAY)
        # What happens during the stay.
        cursor = day + dt.timedelta(days=2)
        while cursor < stay_end - dt.timedelta(days=8) and len(events) < max_events - 3:
            what = rng.random()
            if what < 0.25:
                cursor += dt.timedelta(days=rng.randrange(3, 20))
                if cursor >= stay_end:
                    break
                events.append({"kind": "address_change", "date": iso(cursor)})
                events.append({"kind": "notification",
                               "date": iso(cursor + dt.timedelta(days=business_like_delay(rng, rng.random() < 0.85)))})
            elif what < 0.45:
                cursor += dt.timedelta(days=rng.randrange(3, 30))
                back = cursor + dt.timedelta(days=rng.randrange(1, 40))
                if back >= stay_end:
                    break
                events.append({"kind": "region_trip", "date": iso(cursor),
                               "region": permit_region if permit_region and rng.random() < 0.3 else rng.choice(REGIONS)})
                events.append({"kind": "notification",
                               "date": iso(cursor + dt.timedelta(days=business_like_delay(rng, rng.random() < 0.85)))})
                events.append({"kind": "return", "date": iso(back)})
                if rng.random() < 0.7:
                    events.append({"kind": "notification",
                                   "date": iso(back + dt.timedelta(days=business_like_delay(rng, rng.random() < 0.85)))})
                cursor = back
            elif what < 0.55 and group in ("eaeu", "cis"):
                events.append({"kind": "trp_application",
                               "date": iso(day + dt.timedelta(days=rng.choice([10, 25, 29, 35, 88, 95])))})
                cursor += dt.timedelta(days=rng.randrange(10, 60))
            elif what < 0.62 and needs_visa:
                events.append({"kind": "visa_extension_application",
                               "date": iso(cursor)})
                cursor += dt.timedelta(days=rng.randrange(10, 60))
            else:
                cursor += dt.timedelta(days=rng.randrange(10, 60))
        last = stay == stays - 1
        if last and open_at_end:
            break
        events.append({"kind": "exit", "date": iso(stay_end)})
        day = stay_end + dt.timedelta(days=rng.choice([0, 1, 5, 20, 60, 90, 200]))

    last_event = max(dt.date.fromisoformat(e["date"]) for e in events)
    as_of = min(last_event + dt.timedelta(days=rng.choice([0, 3, 10, 30, 120])), LAST_DAY)
    # Events are accepted in any order; shuffle some cases to exercise the sorting.
    if rng.random() < 0.2:
        rng.shuffle(events)

    case = {"case": "gen-%d-%06d" % (rng.randrange(1000, 10000), index),
            "as_of": iso(as_of),
            "person": {"citizenship": citizenship, "birth_date": iso(birth),
                       "documents": documents},
            "host": host,
            "purpose": purpose,
            "events": events}
    if rng.random() < 0.5:
        case["planned_stay_days"] = rng.choice([10, 30, 60, 90, 120, 200, 365])
    if rng.random() < 0.1:
        case["person"]["name"] = "Person %d" % index
    if rng.random() < 0.05:
        case["meta"] = {"source": "generator", "batch": index // 100}
    return case


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=1000, help="how many cases")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--events", type=int, default=60,
                        help="the most events a case may have (default 60)")
    args = parser.parse_args(argv)
    if args.count < 0 or args.events < 4:
        parser.error("`-n` must be at least 0 and `--events` at least 4")
    rng = random.Random(args.seed)
    out = sys.stdout
    write = out.write
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    try:
        for i in range(args.count):
            write(dumps(make_case(rng, i, args.events)))
            write("\n")
        out.flush()
    except BrokenPipeError:
        # `| head` closed the pipe: not an error.
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
