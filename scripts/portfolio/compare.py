#!/usr/bin/env python3
"""Compares Guichet's portfolio solver with HiGHS (scipy.optimize.milp) on generated instances.

    scripts/portfolio/compare.py --solver ".build/release/portfolio-solve"            # every size
    scripts/portfolio/compare.py --solver "swift run -c release portfolio-solve" --sizes small

For each instance the solver command is run with the instance path as its last argument and must
print the result JSON. The same model is then built here, independently, and given to HiGHS with
`--highs-limit` seconds and a relative gap of zero. Both selections are checked exactly (integer
and fraction arithmetic) against the rules; the objectives must be equal — exactly for integer
objectives, to 1e-6 relative with partial funding — wherever HiGHS proves optimality. Where HiGHS
stops on its time limit, Guichet's proven optimum must lie between HiGHS's incumbent and bound.
With partial funding, when Guichet says optimal, HiGHS first solves the model with continuous
amounts, a relaxation whose optimum bounds every selection in whole euros: Guichet's selection
within 1e-6 of it is proven optimal independently (HiGHS does not prove the model in whole euros
at national size in minutes); otherwise the model in whole euros is run as above.

HiGHS needs minutes to prove the national instances (43 s and 79 s on two cores). `--record FILE`
keeps each optimum it proves, with the instance file's SHA-256; `--reference FILE` then uses a
recorded optimum instead of running HiGHS again on the very same instance (same bytes, same
hash), and runs HiGHS live on any instance it does not hold. CI compares with
`scripts/portfolio/reference.json`, recorded from full runs with the default seed.

Prints a Markdown table; exits 1 on any mismatch or infeasible selection.
"""

import argparse
import hashlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402

SMALL = ["hdf-287", "national-2610", "hdf-287-shares", "national-2610-shares", "hdf-287-rules", "national-2610-rules"]
ALL = SMALL + ["x10", "x10-shares", "x100"]


class Prepared:
    """The instance indexed: envelope chains, amount ranges, rule parameters."""

    def __init__(self, instance):
        self.instance = instance
        self.dossiers = instance["dossiers"]
        rules = instance.get("rules") or {}
        self.envelopes = {e["id"]: e for e in instance["envelopes"]}
        self.chain = {}
        for envelope in self.envelopes:
            chain, current = [], envelope
            while current is not None:
                chain.append(current)
                current = self.envelopes[current]["parent"]
            self.chain[envelope] = chain
        self.forced_in = set(rules.get("forcedIn", []))
        self.forced_out = set(rules.get("forcedOut", []))
        floor = rules.get("partialFundingFloorPercent")
        self.floor = None if floor is None or round(floor * 100) >= 10000 else round(floor * 100)
        self.shares = {theme: (None if s.get("minPercent") is None else round(s["minPercent"] * 100),
                               None if s.get("maxPercent") is None else round(s["maxPercent"] * 100))
                       for theme, s in (rules.get("themeShares") or {}).items()}
        wanted = rules.get("minPerDepartement") or 0
        overrides = rules.get("departementMinimums") or {}
        counts = {}
        for d in self.dossiers:
            if d["departement"] is not None and d["id"] not in self.forced_out:
                counts[d["departement"]] = counts.get(d["departement"], 0) + 1
        self.departement_minimum = {dep: min(overrides.get(dep, wanted), n) for dep, n in counts.items()
                                    if min(overrides.get(dep, wanted), n) > 0}

    def partial_range(self, request):
        """(low euros, high euros) of the partial range, or None when only the request is allowed."""
        if self.floor is None:
            return None
        low = max(1, -(-self.floor * request // 1_000_000))
        high = request // 100
        if low > high or low * 100 >= request:
            return None
        return low, high

    def allows(self, request, amount):
        if amount == request:
            return True
        rng = self.partial_range(request)
        return rng is not None and amount % 100 == 0 and rng[0] <= amount // 100 <= rng[1]

    def objective(self, grants):
        """Exact: an int without partial funding, a Fraction with it."""
        if self.floor is None:
            return sum(d["score"] for d in self.dossiers if grants.get(d["id"], 0) > 0)
        return sum((Fraction(d["score"] * grants[d["id"]], d["requestedCents"])
                    for d in self.dossiers if grants.get(d["id"], 0) > 0), Fraction(0))

    def violations(self, grants):
        broken = []
        usage = {e: 0 for e in self.envelopes}
        theme_total, total, per_dep = {}, 0, {}
        for d in self.dossiers:
            amount = grants.get(d["id"], 0)
            if d["id"] in self.forced_in and amount == 0:
                broken.append(f"forced in {d['id']} missing")
            if amount == 0:
                continue
            if d["id"] in self.forced_out:
                broken.append(f"forced out {d['id']} selected")
            if not self.allows(d["requestedCents"], amount):
                broken.append(f"amount {amount} not allowed for {d['id']}")
            for envelope in self.chain[d["envelope"]]:
                usage[envelope] += amount
            theme_total[d["theme"]] = theme_total.get(d["theme"], 0) + amount
            total += amount
            if d["departement"] is not None:
                per_dep[d["departement"]] = per_dep.get(d["departement"], 0) + 1
        for envelope, used in usage.items():
            if used > self.envelopes[envelope]["remainingCents"]:
                broken.append(f"envelope {envelope} overspent")
        for theme, (low, high) in self.shares.items():
            part = theme_total.get(theme, 0)
            if low is not None and 10000 * part < low * total:
                broken.append(f"theme {theme} below minimum")
            if high is not None and 10000 * part > high * total:
                broken.append(f"theme {theme} above maximum")
        for dep, wanted in self.departement_minimum.items():
            if per_dep.get(dep, 0) < wanted:
                broken.append(f"departement {dep} below minimum")
        return broken


def highs(prep, limit, continuous_amounts=False):
    """Builds the MILP with amounts in euros and solves it with HiGHS; returns a summary.

    With `continuous_amounts` the euros granted are continuous: a relaxation, whose optimum
    (`relaxed`) bounds every selection in whole euros."""
    columns, cost, lower, upper, integrality = [], [], [], [], []
    amount_terms = {}  # dossier id -> [(column, euros per unit)]
    rows, row_lower, row_upper = [], [], []

    def column(name, objective, lo, hi, integer=True):
        columns.append(name)
        cost.append(-objective)
        lower.append(lo)
        upper.append(hi)
        integrality.append(1 if integer else 0)
        return len(columns) - 1

    for d in prep.dossiers:
        if d["id"] in prep.forced_out:
            continue
        request, score = d["requestedCents"], d["score"]
        rng = prep.partial_range(request)
        forced = 1 if d["id"] in prep.forced_in else 0
        if rng is None:
            x = column(("x", d["id"]), score, forced, 1)
            amount_terms[d["id"]] = [(x, request / 100)]
            continue
        low, high = rng
        x = column(("x", d["id"]), 0, forced, 1)
        y = column(("y", d["id"]), score * 100 / request, 0, high, integer=not continuous_amounts)
        terms = [(y, 1.0)]
        rows.append({y: 1.0, x: -low}); row_lower.append(0); row_upper.append(np.inf)
        rows.append({y: 1.0, x: -high}); row_lower.append(-np.inf); row_upper.append(0)
        extra = request % 100
        if extra:
            f = column(("f", d["id"]), score * extra / request, 0, 1)
            terms.append((f, extra / 100))
            rows.append({f: 1.0, x: -1.0}); row_lower.append(-np.inf); row_upper.append(0)
            rows.append({y: 1.0, f: -high}); row_lower.append(0); row_upper.append(np.inf)
        amount_terms[d["id"]] = terms

    for envelope, data in prep.envelopes.items():
        row = {}
        for d in prep.dossiers:
            if d["id"] in amount_terms and envelope in prep.chain[d["envelope"]]:
                for col, coefficient in amount_terms[d["id"]]:
                    row[col] = row.get(col, 0) + coefficient
        if row:
            rows.append(row); row_lower.append(-np.inf); row_upper.append(data["remainingCents"] / 100)
    for theme, (low, high) in prep.shares.items():
        for percent, is_min in ((low, True), (high, False)):
            if percent is None:
                continue
            row = {}
            for d in prep.dossiers:
                weight = (1 - percent / 10000) if d["theme"] == theme else -percent / 10000
                for col, coefficient in amount_terms.get(d["id"], []):
                    row[col] = row.get(col, 0) + coefficient * weight
            rows.append(row)
            row_lower.append(0 if is_min else -np.inf)
            row_upper.append(np.inf if is_min else 0)
    for dep, wanted in prep.departement_minimum.items():
        row = {amount_terms[d["id"]][0][0] if prep.partial_range(d["requestedCents"]) is None else columns.index(("x", d["id"])): 1.0
               for d in prep.dossiers if d["departement"] == dep and d["id"] in amount_terms}
        rows.append(row); row_lower.append(wanted); row_upper.append(np.inf)

    data, indices, pointers = [], [], [0]
    for row in rows:
        for col, value in row.items():
            indices.append(col); data.append(value)
        pointers.append(len(indices))
    matrix = csr_matrix((data, indices, pointers), shape=(len(rows), len(columns)))
    constraints = [LinearConstraint(matrix, row_lower, row_upper)] if rows else []
    started = time.perf_counter()
    result = milp(np.array(cost), integrality=np.array(integrality), bounds=Bounds(lower, upper),
                  constraints=constraints, options={"time_limit": limit, "mip_rel_gap": 0, "disp": False})
    seconds = time.perf_counter() - started
    summary = {"seconds": seconds, "status": {0: "optimal", 1: "time_limit", 2: "infeasible"}.get(result.status, f"status {result.status}"),
               "bound": None if getattr(result, "mip_dual_bound", None) is None else -result.mip_dual_bound}
    if continuous_amounts:
        summary["relaxed"] = None if result.x is None else -result.fun
        return summary
    if result.x is not None:
        values = {name: int(round(v)) for name, v in zip(columns, result.x)}
        grants = {}
        for d in prep.dossiers:
            if values.get(("x", d["id"]), 0) != 1:
                continue
            if ("y", d["id"]) in values:
                grants[d["id"]] = 100 * values[("y", d["id"])] + (d["requestedCents"] % 100) * values.get(("f", d["id"]), 0)
            else:
                grants[d["id"]] = d["requestedCents"]
        summary["grants"] = grants
        summary["objective"] = prep.objective(grants)
        summary["violations"] = prep.violations(grants)
    return summary


def run_guichet(command, path):
    started = time.perf_counter()
    completed = subprocess.run(shlex.split(command) + [path], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        return {"error": completed.stderr.strip() or f"exit {completed.returncode}", "wall": seconds}
    result = json.loads(completed.stdout)
    result["wall"] = seconds
    return result


def equal(a, b, exact):
    if exact:
        return a == b
    a, b = float(a), float(b)
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def recorded(reference, name, path):
    """HiGHS's proven optimum for this very instance file, from a reference file, if held."""
    entry = (reference or {}).get(name)
    if not entry or entry.get("sha256") != digest(path) or entry.get("status") != "optimal":
        return None
    return {"status": "optimal", "objective": Fraction(entry["objective"]), "seconds": 0.0,
            "recorded": entry.get("seconds")}


def compare(name, path, command, limit, reference=None, record=None):
    prep = Prepared(json.load(open(path)))
    exact = prep.floor is None
    guichet = run_guichet(command, path)
    row = {"instance": name, "n": len(prep.dossiers), "envelopes": len(prep.envelopes)}
    problems = []
    if "error" in guichet:
        row.update(g_time=f"{guichet['wall']:.2f} s", g_status="error", h_time="—", h_status="—", equal="no")
        return row, [f"{name}: Guichet failed: {guichet['error']}"]
    row["g_time"] = f"{guichet['wall']:.2f} s (solve {guichet['seconds']:.2f} s)"
    row["g_status"] = f"{guichet['status']} ({guichet['method']})"
    grants = {g["id"]: g["grantedCents"] for g in guichet["selected"]}
    g_objective = None
    if guichet["status"] != "infeasible" and guichet["objective"] is not None:
        g_objective = prep.objective(grants)
        for violation in prep.violations(grants):
            problems.append(f"{name}: Guichet's selection breaks a rule: {violation}")
        if not equal(g_objective, guichet["objective"], exact):
            problems.append(f"{name}: Guichet reports {guichet['objective']} but its selection is worth {float(g_objective)}")
    h = recorded(reference, name, path)
    if h is None and not exact and guichet["status"] == "optimal" and g_objective is not None:
        # Partial funding: HiGHS's optimum with continuous amounts bounds every selection in whole
        # euros. Guichet's selection (checked above) within 1e-6 of it is proven optimal, and the
        # model in whole euros, which HiGHS does not prove at national size, is not needed.
        relaxation = highs(prep, limit, continuous_amounts=True)
        bound = relaxation["relaxed"]
        if relaxation["status"] == "optimal" and bound is not None:
            row["h_time"] = f"{relaxation['seconds']:.2f} s (continuous amounts)"
            row["h_status"] = "optimal (relaxation)"
            if float(g_objective) >= bound - 1e-6 * max(1, abs(bound)):
                row["equal"] = f"yes (1e-6 of HiGHS's bound {bound:.10g})"
            else:
                row["equal"] = f"NO: {float(g_objective)} below HiGHS's bound {bound}"
                problems.append(f"{name}: Guichet {float(g_objective)} is not within 1e-6 of HiGHS's bound {bound}")
            return row, problems
    if h is None:
        h = highs(prep, limit)
        row["h_time"] = f"{h['seconds']:.2f} s"
        if record is not None and h["status"] == "optimal" and not h.get("violations"):
            record[name] = {"sha256": digest(path), "status": "optimal", "objective": str(h["objective"]),
                            "seconds": round(h["seconds"], 1)}
    else:
        row["h_time"] = f"recorded ({h['recorded']} s)"
    row["h_status"] = h["status"]
    for violation in h.get("violations", []):
        problems.append(f"{name}: HiGHS's rounded selection breaks a rule: {violation}")
    verdict = "—"
    if h["status"] == "optimal" and guichet["status"] == "optimal":
        same = equal(g_objective, h["objective"], exact)
        verdict = ("yes (exact)" if exact else "yes (1e-6)") + f" {float(g_objective):.6g}" if same else \
            f"NO: {float(g_objective)} vs {float(h['objective'])}"
        if not same:
            problems.append(f"{name}: objectives differ: Guichet {float(g_objective)} HiGHS {float(h['objective'])}")
    elif h["status"] == "infeasible" or guichet["status"] == "infeasible":
        same = h["status"] == guichet["status"]
        verdict = "yes (both infeasible)" if same else "NO (infeasibility)"
        if not same:
            problems.append(f"{name}: only one solver says infeasible")
    elif h["status"] == "optimal" and guichet["status"] == "time_limit" and g_objective is not None:
        # Guichet stopped on its limit: its selection may not beat the optimum, its bound may not fall below it.
        optimum = float(h["objective"])
        g_bound = guichet.get("bound")
        low_ok = float(g_objective) <= optimum + 1e-6 * max(1, abs(optimum))
        high_ok = g_bound is None or float(g_bound) >= optimum - 1e-6 * max(1, abs(optimum))
        verdict = f"consistent: Guichet {float(g_objective):.6g} ≤ HiGHS {optimum:.6g} ≤ Guichet bound {g_bound if g_bound is not None else '—'}"
        if not (low_ok and high_ok):
            verdict = "NO: " + verdict
            problems.append(f"{name}: HiGHS's optimum {optimum} outside Guichet's [{float(g_objective)}, {g_bound}]")
    elif h["status"] == "time_limit" and g_objective is not None:
        incumbent = h.get("objective")
        bound = h.get("bound")
        low_ok = incumbent is None or float(g_objective) >= float(incumbent) - 1e-6 * max(1, abs(float(incumbent)))
        high_ok = bound is None or guichet["status"] != "optimal" or float(g_objective) <= bound + 1e-6 * max(1, abs(bound))
        verdict = (f"consistent: HiGHS {float(incumbent) if incumbent is not None else '—'} ≤ Guichet {float(g_objective):.6g}"
                   f" ≤ HiGHS bound {bound:.6g}" if bound is not None else "—")
        if not (low_ok and high_ok):
            verdict = "NO: " + verdict
            problems.append(f"{name}: Guichet {float(g_objective)} outside HiGHS [{incumbent}, {bound}]")
    row["equal"] = verdict
    return row, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--solver", required=True, help="command printing the result JSON for an instance path")
    parser.add_argument("--highs-limit", type=float, default=240, help="HiGHS time limit in seconds (default 240)")
    parser.add_argument("--sizes", choices=["small", "all"], default="all", help="small: 287 and 2 610 only (CI)")
    parser.add_argument("--dir", help="instance directory (generated there when missing; default: a temporary one)")
    parser.add_argument("--only", nargs="*", help="instance names to run")
    parser.add_argument("--reference", help="JSON of HiGHS optima recorded for these very instance files")
    parser.add_argument("--record", help="JSON file where each optimum HiGHS proves is kept (updated in place)")
    args = parser.parse_args()
    reference = json.load(open(args.reference)) if args.reference else None
    record = (json.load(open(args.record)) if os.path.exists(args.record) else {}) if args.record else None

    names = args.only or (SMALL if args.sizes == "small" else ALL)
    directory = args.dir or tempfile.mkdtemp(prefix="guichet-portfolio-")
    missing = [n for n in names if not os.path.exists(os.path.join(directory, f"{n}.json"))]
    if missing:
        generate.write(directory, only=missing)

    print("| instance | n | envelopes | Guichet time | Guichet status | HiGHS time | HiGHS status | objectives equal? |")
    print("|---|---|---|---|---|---|---|---|")
    failures = []
    for name in names:
        row, problems = compare(name, os.path.join(directory, f"{name}.json"), args.solver, args.highs_limit,
                                reference, record)
        failures += problems
        if record is not None:
            with open(args.record, "w") as handle:
                json.dump(record, handle, indent=2, sort_keys=True)
                handle.write("\n")
        print(f"| {row['instance']} | {row['n']} | {row['envelopes']} | {row['g_time']} | {row['g_status']} | "
              f"{row['h_time']} | {row['h_status']} | {row['equal']} |", flush=True)
    for problem in failures:
        print(f"\nMISMATCH {problem}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
