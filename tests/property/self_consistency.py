#!/usr/bin/env python3
"""Property: a claim cpl builds from a study, submitted back with that study, is accepted
line for line, with every unit allowed and nothing unbilled (shared spec medicare-claims.md,
section 6). Generates N varied studies (deterministic), runs them, resubmits each produced
claim, and checks the review. Usage: self_consistency.py CPL [N] [--policy FILE]."""
import json
import random
import subprocess
import sys

ARM = ["deltoid", "biceps", "triceps", "pronator teres", "FDI", "APB", "EDC", "FCR", "ADM",
       "infraspinatus", "brachialis", "opponens pollicis", "extensor digitorum communis"]
LEG = ["TA", "MG", "VL", "gluteus medius", "EHL", "tibialis posterior", "peroneus longus",
       "vastus medialis", "BFSH"]
NCS = [("median", "motor"), ("median", "sensory"), ("ulnar", "motor"), ("ulnar", "sensory"),
       ("radial", "sensory"), ("peroneal", "motor"), ("tibial", "motor"), ("sural", "sensory"),
       ("superficial peroneal", "sensory"), ("tibial", "h_reflex"), ("facial", "motor"),
       ("phrenic", "motor")]
CRANIAL = ["orbicularis oculi", "frontalis", "masseter", "genioglossus"]
AXIAL = ["rectus abdominis", "external oblique"]
SFEMG = ["EDC", "extensor digitorum communis", "frontalis", "orbicularis oculi", "FDI", "deltoid"]
DIAGNOSES = ["G56.01", "G56.03", "M54.16", "M54.12", "G62.9", "G12.21", "R20.2", "G70.00"]


NOTHING_BILLED = object()  # a study whose built claim has no line

def study(rng, i):
    c = {"id": f"p{i:06d}", "date_of_service": "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28),
         "provider_role": rng.choice(["global", "global", "professional", "technical"]),
         "diagnoses": rng.sample(DIAGNOSES, rng.choice([1, 1, 2]))}
    limbs = rng.sample(["right_arm", "left_arm", "right_leg", "left_leg"], rng.choice([0, 1, 1, 2, 3, 4]))
    c["extremities"] = []
    for limb in limbs:
        pool = ARM if limb.endswith("arm") else LEG
        c["extremities"].append({"limb": limb, "muscles": rng.sample(pool, rng.choice([1, 2, 3, 4, 5, 6, 7]))})
    if rng.random() < 0.6:
        c["nerve_conduction"] = [
            {"nerve": nerve, "side": rng.choice(["left", "right"]), "type": kind,
             **({"f_wave": True} if kind == "motor" and rng.random() < .5 else {})}
            for nerve, kind in rng.sample(NCS, rng.randint(1, 12))]
    if rng.random() < 0.15:
        c["thoracic_paraspinal_levels"] = rng.sample(["T3", "T6", "T7", "T9", "T11"], rng.randint(1, 3))
    if rng.random() < 0.15:
        c["cranial_muscles"] = [{"name": n, "side": rng.choice(["left", "right"])}
                                for n in rng.sample(CRANIAL, rng.randint(1, 3))]
    if rng.random() < 0.1:
        c["axial_muscles"] = [{"name": rng.choice(AXIAL), "side": rng.choice(["left", "right"])}]
    if rng.random() < 0.08:
        c["larynx"] = True
    if rng.random() < 0.1:
        c["hemidiaphragm"] = rng.sample(["left", "right"], rng.randint(1, 2))
    if rng.random() < 0.1:
        c["single_fiber_muscles"] = rng.sample(SFEMG, rng.randint(1, 5))
    if rng.random() < 0.1:
        c["neuromuscular_junction"] = [{"nerve": n, "side": "right"}
                                       for n in rng.sample(["ulnar", "accessory", "facial", "median", "radial"], rng.randint(1, 5))]
    return c


def run(cpl, policy, cases):
    args = [cpl, "run", "--format", "json", "-"] + (["--policy", policy] if policy else [])
    out = subprocess.run(args, input="\n".join(json.dumps(c) for c in cases) + "\n",
                         capture_output=True, text=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def main():
    cpl = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else 3000
    policy = sys.argv[sys.argv.index("--policy") + 1] if "--policy" in sys.argv else None
    rng = random.Random(2024)
    studies = [study(rng, i) for i in range(n)]
    built = run(cpl, policy, studies)
    assert len(built) == n, f"expected {n} results, got {len(built)}"
    resubmitted = []
    for c, r in zip(studies, built):
        if "error" in r:
            resubmitted.append(None)
            continue
        if not r["lines"]:
            # A study that bills nothing has no claim to submit (an empty claim is a case
            # error): the property holds of it trivially.
            resubmitted.append(NOTHING_BILLED)
            continue
        c = dict(c)
        c["claim"] = [{"code": l["code"], "units": l["units"], "modifiers": l["modifiers"]}
                      for l in r["lines"]]
        resubmitted.append(c)
    reviewed = iter(run(cpl, policy, [c for c in resubmitted if c and c is not NOTHING_BILLED]))
    passed = failed = nothing_billed = 0
    lines_checked = [0]
    for c, built_result in zip(resubmitted, built):
        if c is None:
            failed += 1
            print(f"FAIL {built_result.get('case')}: {built_result['error']}")
            continue
        if c is NOTHING_BILLED:
            nothing_billed += 1
            passed += 1
            continue
        r = next(reviewed)
        problems = []
        if "error" in r:
            problems.append(r["error"])
        elif len(r.get("review", [])) != len(c["claim"]):
            problems.append(f"{len(c['claim'])} lines submitted, {len(r.get('review', []))} verdicts")
        else:
            lines_checked[0] += len(c["claim"])
            for line, verdict in zip(c["claim"], r.get("review", [])):
                if verdict["status"] != "accepted" or verdict["units_allowed"] != line["units"]:
                    problems.append(f"{line['code']} x{line['units']} {line['modifiers']}: {verdict['status']}, "
                                    f"{verdict['units_allowed']} allowed: "
                                    + "; ".join(x["message"] for x in verdict.get("reasons", [])))
            if r.get("unbilled"):
                problems.append("unbilled " + ", ".join(u["code"] for u in r["unbilled"]))
            if [(l["code"], l["units"], l["modifiers"]) for l in r["lines"]] != \
               [(l["code"], l["units"], l["modifiers"]) for l in c["claim"]]:
                problems.append("the paid lines differ from the submitted claim")
        if problems:
            failed += 1
            if failed <= 20:
                print(f"FAIL {c['id']}: " + " | ".join(problems))
        else:
            passed += 1
    print(f"{lines_checked[0]} submitted lines reviewed ({nothing_billed} studies billed nothing)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
