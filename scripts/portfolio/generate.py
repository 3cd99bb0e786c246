#!/usr/bin/env python3
"""Generates portfolio instances (the JSON read by Guichet's solver and by compare.py).

Every instance is deterministic for a given seed: the same command always writes the same files,
so figures in docs/PORTFOLIO.md can be reproduced.

    scripts/portfolio/generate.py --out /tmp/portfolio            # every instance
    scripts/portfolio/generate.py --out /tmp/portfolio --only hdf-287 national-2610

Instances:
    hdf-287              the seed's region: 287 dossiers on 'region-32' (3 300 000 €)
    national-2610        18 regional envelopes + 'national', 2 610 dossiers
    x10, x100            the national instance with 10x and 100x the dossiers (26 100, 261 000)
    x10-shares           x10 with the theme shares and the département minimum
    *-rules              theme shares + département minimum + partial funding + forced dossiers
    *-shares             the same without partial funding (an integer objective, compared exactly)
"""

import argparse
import json
import math
import os
import random

THEMES = [
    ("alimentation", 0.30),
    ("acces-aux-droits", 0.25),
    ("soutien-aux-familles", 0.15),
    ("insertion", 0.20),
    ("modernisation", 0.10),
]

# INSEE regions (2024), their départements, and their population in millions (weights).
REGIONS = {
    "01": (["971"], 0.38), "02": (["972"], 0.36), "03": (["973"], 0.29), "04": (["974"], 0.87),
    "06": (["976"], 0.30),
    "11": (["75", "77", "78", "91", "92", "93", "94", "95"], 12.3),
    "24": (["18", "28", "36", "37", "41", "45"], 2.57),
    "27": (["21", "25", "39", "58", "70", "71", "89", "90"], 2.80),
    "28": (["14", "27", "50", "61", "76"], 3.30),
    "32": (["02", "59", "60", "62", "80"], 6.00),
    "44": (["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"], 5.56),
    "52": (["44", "49", "53", "72", "85"], 3.83),
    "53": (["22", "29", "35", "56"], 3.37),
    "75": (["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"], 6.00),
    "76": (["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"], 5.97),
    "84": (["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"], 8.10),
    "93": (["04", "05", "06", "13", "83", "84"], 5.10),
    "94": (["2A", "2B"], 0.34),
}

PLAN_CENTS = 100_000_000_00
NATIONAL_THIRD_CENTS = 33_333_333_33


def pick(rng, weighted):
    total = sum(weight for _, weight in weighted)
    draw = rng.random() * total
    for value, weight in weighted:
        draw -= weight
        if draw < 0:
            return value
    return weighted[-1][0]


def request_euros(rng):
    """Whole euros from 5 000 to 250 000, log-normal around 40 000 € (most requests are modest)."""
    while True:
        value = int(round(math.exp(rng.gauss(math.log(40_000), 0.8))))
        if 5_000 <= value <= 250_000:
            return value


def score(rng):
    """Hundredths of a point: a few ineligible dossiers at 0, the rest around 62/100."""
    if rng.random() < 0.04:
        return 0
    return max(0, min(10_000, int(round(rng.gauss(6_200, 1_500)))))


def dossier(rng, number, envelope, departements, regional_share):
    departement = None
    if departements and rng.random() >= regional_share:
        departement = rng.choice(departements)
    return {
        "id": f"D{number:06d}",
        "envelope": envelope,
        "theme": pick(rng, THEMES),
        "departement": departement,
        "requestedCents": request_euros(rng) * 100,
        "score": score(rng),
    }


def hdf(seed, count=287):
    rng = random.Random(seed)
    dossiers = [dossier(rng, i + 1, "region-32", REGIONS["32"][0], 0.12) for i in range(count)]
    envelopes = [
        {"id": "plan", "parent": None, "remainingCents": PLAN_CENTS},
        {"id": "regional", "parent": "plan", "remainingCents": PLAN_CENTS - NATIONAL_THIRD_CENTS},
        {"id": "region-32", "parent": "regional", "remainingCents": 330_000_000},
    ]
    return {"name": f"hdf-{count}", "envelopes": envelopes, "dossiers": dossiers, "rules": {}, "timeLimitSeconds": 60}


def national(seed, count, name):
    """18 regional envelopes and a national one, each funding 15-35 % of what it is asked."""
    rng = random.Random(seed)
    weights = [(code, population) for code, (_, population) in REGIONS.items()]
    dossiers = []
    for number in range(1, count + 1):
        if rng.random() < 0.15:
            dossiers.append(dossier(rng, number, "national", [], 1.0))
        else:
            code = pick(rng, weights)
            dossiers.append(dossier(rng, number, f"region-{code}", REGIONS[code][0], 0.12))
    asked = {}
    for item in dossiers:
        asked[item["envelope"]] = asked.get(item["envelope"], 0) + item["requestedCents"]
    leaves = [f"region-{code}" for code in REGIONS] + ["national"]
    remaining = {}
    for leaf in leaves:
        share = rng.uniform(0.15, 0.35)
        remaining[leaf] = int(asked.get(leaf, 0) * share) // 100 * 100
    regional = sum(remaining[f"region-{code}"] for code in REGIONS)
    # Inner envelopes hold at least what their children can commit: they never bind.
    plan = max(PLAN_CENTS * count // 2610, regional + remaining["national"])
    envelopes = [
        {"id": "plan", "parent": None, "remainingCents": plan},
        {"id": "regional", "parent": "plan", "remainingCents": plan - remaining["national"]},
        {"id": "national", "parent": "plan", "remainingCents": remaining["national"]},
    ] + [{"id": f"region-{code}", "parent": "regional", "remainingCents": remaining[f"region-{code}"]} for code in REGIONS]
    return {"name": name, "envelopes": envelopes, "dossiers": dossiers, "rules": {}, "timeLimitSeconds": 60}


def with_rules(instance, seed, name, partial, min_per_departement):
    """Theme shares that bind (food aid at least 35 %, modernisation at most 5 %), a département
    minimum, two dossiers imposed and the two best excluded by the chair, partial funding."""
    rng = random.Random(seed)
    ranked = sorted(instance["dossiers"], key=lambda d: -d["score"] / d["requestedCents"])
    forced_out = [ranked[0]["id"], ranked[1]["id"]]
    middle = ranked[len(ranked) // 2:]
    forced_in = [d["id"] for d in rng.sample(middle, 2)]
    rules = {
        "themeShares": {
            "alimentation": {"minPercent": 35, "maxPercent": 60},
            "insertion": {"minPercent": 12.5},
            "modernisation": {"maxPercent": 5},
        },
        "minPerDepartement": min_per_departement,
        "forcedIn": forced_in,
        "forcedOut": forced_out,
    }
    if partial:
        rules["partialFundingFloorPercent"] = 50
    return dict(instance, name=name, rules=rules)


def instances(seed=2021):
    hdf287 = hdf(seed)
    national2610 = national(seed + 1, 2610, "national-2610")
    yield "hdf-287", hdf287
    yield "national-2610", national2610
    yield "hdf-287-rules", with_rules(hdf287, seed + 10, "hdf-287-rules", partial=True, min_per_departement=3)
    yield "national-2610-rules", with_rules(national2610, seed + 11, "national-2610-rules", partial=True, min_per_departement=2)
    yield "hdf-287-shares", with_rules(hdf287, seed + 10, "hdf-287-shares", partial=False, min_per_departement=3)
    yield "national-2610-shares", with_rules(national2610, seed + 11, "national-2610-shares", partial=False, min_per_departement=2)
    x10 = national(seed + 2, 26_100, "x10")
    yield "x10", x10
    yield "x10-shares", with_rules(x10, seed + 12, "x10-shares", partial=False, min_per_departement=2)
    yield "x100", national(seed + 3, 261_000, "x100")


NAMES = ["hdf-287", "national-2610", "hdf-287-rules", "national-2610-rules", "hdf-287-shares",
         "national-2610-shares", "x10", "x10-shares", "x100"]


def write(directory, only=None, seed=2021):
    os.makedirs(directory, exist_ok=True)
    paths = {}
    for name, instance in instances(seed):
        if only and name not in only:
            continue
        path = os.path.join(directory, f"{name}.json")
        with open(path, "w") as handle:
            json.dump(instance, handle, separators=(",", ":"))
        paths[name] = path
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="directory for the .json files")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--only", nargs="*", choices=NAMES, help="instances to write (default: all)")
    args = parser.parse_args()
    for name, path in write(args.out, args.only, args.seed).items():
        print(f"{name}\t{path}")


if __name__ == "__main__":
    main()
