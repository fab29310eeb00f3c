"""A structure-aware fuzzer for deployment files and rule packs: every input gives exit 0, 1 or 2, never 3.

Seeds are the bundled case studies (examples/*.yaml, in whatever format
version they are written), the 'init' template, and the rules of the mini
test framework and the bundled framework. Each input is a seed parsed into
data, mutated as a structure (a value swapped for a hostile one: huge or
impossible numbers and dates, digits of other scripts, control characters,
Markdown and HTML payloads, ids that are numbers, deep nesting, long text;
keys deleted, misspelt or doubled; lists emptied or repeated), written back
as YAML or JSON, and sometimes damaged as bytes afterwards (cut, a YAML
character inserted, a byte flipped). Deployments go through 'validate' and,
when valid, 'audit' in text, JSON, Markdown and HTML (PDF with --pdf);
packs through 'principles --check' and an audit against them.

Each run checks that the exit code is 0, 1 or 2, that every line on
standard error is one printable line, and that no report holds a control
character or (Markdown, HTML) a live tag from the input. It reports the
inputs tried, the exits by code, the slowest inputs and the peak memory.

    python benchmarks/fuzz.py --seconds 600            # the long run (docs/limits.md)
    python benchmarks/fuzz.py --count 300 --seed 7     # a fixed number of inputs
    python benchmarks/fuzz.py --seconds 60 --pdf --keep failures/   # with PDFs; keep what fails

Exits 1 when any input broke a rule above (the failing inputs are listed,
and kept with --keep).
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "frameworks" / "mini"
BUNDLED = ROOT / "principles" / "agora-2020"

# Values that have broken, or could break, a reader, a validator or a renderer.
HOSTILE: list[Any] = [
    "1" * 4301,
    10**40,
    -1,
    0,
    2**63,
    1e308,
    float("inf"),
    float("nan"),
    True,
    False,
    None,
    "",
    " ",
    "2024-02-30",
    "2024-13-01",
    "0000-01-01",
    "9999-99-99",
    "٢٠٢٤-٠١-٠١",
    "２０２４-０１-０１",
    "2023-02-29",
    "2019",
    2019,
    "2019-05",
    "1599",
    "2200-01-01",
    "2024-1-1",
    "\x1b[2J\x1b]0;owned\x07",
    "\u202eevil",
    "\x00",
    "\x85",
    "a\nb",
    "tab\there",
    "é",
    "🙂",
    "\ufeff",
    "`code` <img src=x onerror=alert(1)> ``",
    "<script>alert(1)</script>",
    "[link](javascript:alert(1))",
    "https://evil.example/x",
    "www.evil.example",
    "boss@evil.example",
    "mailto:x@y.z",
    "# heading",
    "| a | b |",
    "*" * 50,
    "x" * 20_000,
    "word " * 3000,
    "unknown",
    "undisclosed",
    "yes",
    "no",
    "on",
    "~",
    [],
    {},
    [1, [2, [3, [4, [5]]]]],
    {"value": "yes", "sources": [2019]},
    {"value": 5, "sources": ["nope"]},
    {"all": []},
    {"fact": "retention.max_days", "at_most": "1" * 500},
    {"not": {"not": {"not": {}}}},
]
KEY_MUTATIONS = ["\x1b[2J", "valeu", "sources ", "<<", "id\u202e", "1", "", "é" * 3]
# Characters and words that mean something to YAML or to a reader of it, inserted into the seeds: the one list
# for this run and for the hypothesis strategies of tests/test_fuzz.py.
YAML_BITS = [
    ":",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!python/object ",
    "|",
    ">",
    "'",
    '"',
    "#",
    "\t",
    "\n",
    "  ",
    "\\",
    "---\n",
    "%YAML 1.1\n",
    "<<: *a\n",
    "\x00",
    "\x1b",
    "\udcff",
    "-",
    "!!",
    "!tag ",
    "%",
    "@",
    "`",
    "?",
    "...\n",
    "<<: ",
    "\x07",
    "\ufeff",
    "\u2028",
    "é",
    "🙂",
    "yes",
    "no",
    "~",
    "null",
    "1e5",
    "0x1F",
    "2020-01-01",
    "unknown",
    "value: ",
    "sources: [",
    "format_version: 2\n",
]


@dataclass
class Outcome:
    kind: str  # "deployment" or "pack"
    label: str  # how the input was made
    codes: list[int]  # exit code of each command run on it
    seconds: float
    problems: list[str] = field(default_factory=list)  # rules the run broke (empty when all is well)
    data: bytes = b""
    timings: list[str] = field(default_factory=list)  # each command and its time


# --- mutation ---------------------------------------------------------------------------------------------


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def mutate_tree(data: Any, rng: random.Random, steps: int) -> tuple[Any, list[str]]:
    """``data`` with ``steps`` structural mutations; the list says which."""
    done = []
    for _ in range(steps):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = rng.choice(paths)
        parent, last = _get(data, path[:-1]), path[-1]
        kind = rng.choice(["value", "value", "value", "delete", "key", "repeat", "nest", "type"])
        if kind == "value":
            parent[last] = copy.deepcopy(rng.choice(HOSTILE))
        elif kind == "delete":
            del parent[last]
        elif kind == "key" and isinstance(parent, dict):
            parent[str(last) + rng.choice(KEY_MUTATIONS) if rng.random() < 0.5 else rng.choice(KEY_MUTATIONS)] = (
                parent.pop(last)
            )
        elif kind == "repeat" and isinstance(parent, list):
            parent.extend([parent[last]] * rng.choice([1, 10, 500]))
        elif kind == "nest":
            parent[last] = [parent[last]] if rng.random() < 0.5 else {"value": parent[last]}
        else:
            value = parent[last]
            parent[last] = (
                str(value)
                if not isinstance(value, str)
                else (int(value) if value.isdigit() and len(value) < 30 else [value])
            )
        done.append(f"{kind}@{'.'.join(map(str, path))[:60]}")
    return data, done


def mutate_text(data: Any, rng: random.Random) -> tuple[Any, list[str]]:
    """One text value swapped for a hostile text: the file often stays valid, so reports get rendered."""
    texts = [p for p in _paths(data) if p and isinstance(_get(data, p), str)]
    if not texts:
        return mutate_tree(data, rng, 1)
    path = rng.choice(texts)
    payload = rng.choice([h for h in HOSTILE if isinstance(h, str)])
    _get(data, path[:-1])[path[-1]] = payload if rng.random() < 0.5 else _get(data, path) + " " + payload
    return data, [f"text@{'.'.join(map(str, path))[:60]}"]


def dump(data: Any, rng: random.Random) -> tuple[bytes, str]:
    """YAML (block or flow) or JSON text of ``data``."""
    form = rng.choice(["yaml", "yaml", "flow", "json"])
    try:
        if form == "json":
            return json.dumps(data, ensure_ascii=rng.random() < 0.5).encode(), "json"
        text = yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False, default_flow_style=form == "flow", width=rng.choice([80, 10_000])
        )
        return text.encode("utf-8", errors="surrogatepass"), form
    except (ValueError, yaml.YAMLError):
        return json.dumps(data, default=str).encode(), "json"


def damage(raw: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Byte-level damage after writing: cut, insert a YAML character, flip a byte (or nothing)."""
    kind = rng.choice(["none", "none", "none", "cut", "insert", "flip"])
    at = rng.randrange(len(raw) + 1)
    if kind == "cut":
        return raw[:at], "cut"
    if kind == "insert":
        return raw[:at] + rng.choice(YAML_BITS).encode("utf-8", errors="surrogatepass") + raw[at:], "insert"
    if kind == "flip" and raw:
        at = min(at, len(raw) - 1)
        return raw[:at] + bytes([raw[at] ^ (1 << rng.randrange(8))]) + raw[at + 1 :], "flip"
    return raw, "none"


def seeds() -> list[tuple[str, Any]]:
    from auditkit.template import template

    out = [(p.name, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    out.append(("template", yaml.safe_load(template())))
    return out


def rule_seeds(rng: random.Random) -> tuple[Path, str]:
    """A rule file to mutate: mostly the mini framework's (quick to check), sometimes a bundled one."""
    if rng.random() < 0.75:
        return MINI, rng.choice(sorted(p.name for p in (MINI / "rules").glob("*.yaml")))
    return BUNDLED, rng.choice(
        sorted(str(p.relative_to(BUNDLED / "rules")) for p in (BUNDLED / "rules").rglob("*.yaml"))
    )


# --- running -------------------------------------------------------------------------------------------------

# The hostile markup above, live: in Markdown unescaped, in HTML unescaped.
_LIVE_MD = re.compile(r"(?<!\\)<(img|script)|(?<!\\)\[link(?<!\\)\]\(javascript")
_LIVE_HTML = re.compile(r"<img src=x|<script>alert|href=\"javascript")


_TIMINGS: list[str] = []


def run_cli(*args: str) -> tuple[int, str, str]:
    from auditkit.cli import main

    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    code = main(list(args), stdout=out, stderr=err)
    name = args[0] + (f" {args[args.index('--format') + 1]}" if "--format" in args else "")
    _TIMINGS.append(f"{name} {time.perf_counter() - start:.2f}s")
    return code, out.getvalue(), err.getvalue()


def _check_streams(code: int, out: str, err: str, fmt: str, problems: list[str]) -> None:
    if code not in (0, 1, 2):
        problems.append(f"exit {code}: {err.strip()[:300]}")
    for line in err.splitlines():
        if not line.isprintable():
            problems.append(f"unprintable message line: {line[:120]!r}")
    if "internal error" in err or "Traceback" in err:
        problems.append(f"internal error: {err.strip()[:300]}")
    if fmt in ("text", "md") and re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out):
        problems.append(f"control character in the {fmt} report")
    if fmt == "md" and _LIVE_MD.search(out):
        problems.append("live markup from the input in the Markdown report")
    if fmt == "html" and _LIVE_HTML.search(out):
        problems.append("live markup from the input in the HTML report")


def fuzz_deployment(rng: random.Random, folder: Path, pool: list[tuple[str, Any]], pdf: bool) -> Outcome:
    name, seed = rng.choice(pool)
    data = json.loads(json.dumps(seed, default=str))
    data, steps = mutate_text(data, rng) if rng.random() < 0.4 else mutate_tree(data, rng, rng.randint(1, 6))
    raw, form = dump(data, rng)
    raw, hurt = damage(raw, rng) if steps[0].startswith("value") or rng.random() < 0.5 else (raw, "none")
    path = folder / ("fuzz.json" if form == "json" else "fuzz.yaml")
    path.write_bytes(raw)
    label = f"{name} {form} {hurt} {' '.join(steps)}"
    start = time.perf_counter()
    problems: list[str] = []
    code, out, err = run_cli("validate", str(path))
    _check_streams(code, out, err, "validate", problems)
    codes = [code]
    if code == 0:
        for fmt in ("text", "json", "md", "html", *(["pdf"] if pdf and rng.random() < 0.1 else [])):
            target = ["-o", str(folder / f"fuzz.{fmt}")] if fmt == "pdf" else []
            code, out, err = run_cli("audit", str(path), "--format", fmt, *target)
            _check_streams(code, out, err, fmt, problems)
            codes.append(code)
    return Outcome("deployment", label, codes, time.perf_counter() - start, problems, raw)


def fuzz_pack(rng: random.Random, folder: Path, example: Path) -> Outcome:
    source, rule = rule_seeds(rng)
    pack = folder / "pack"
    if pack.exists():
        shutil.rmtree(pack)
    shutil.copytree(source, pack)
    target = pack / "rules" / rule if rng.random() < 0.85 else pack / "framework.yaml"
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    data, steps = mutate_text(data, rng) if rng.random() < 0.4 else mutate_tree(data, rng, rng.randint(1, 4))
    raw, form = dump(data, rng)
    raw, hurt = damage(raw, rng)
    target.write_bytes(raw)
    label = f"{source.name}/{target.relative_to(pack)} {form} {hurt} {' '.join(steps)}"
    start = time.perf_counter()
    problems: list[str] = []
    code, out, err = run_cli("principles", "--check", "-f", str(pack))
    _check_streams(code, out, err, "check", problems)
    codes = [code]
    code, out, err = run_cli("audit", str(example), "-f", str(pack), "--format", "md")
    _check_streams(code, out, err, "md", problems)
    codes.append(code)
    return Outcome("pack", label, codes, time.perf_counter() - start, problems, raw)


def run(
    seconds: float | None,
    count: int | None,
    seed: int,
    pdf: bool = False,
    packs: float = 0.25,
    keep: Path | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Fuzz until ``seconds`` have passed or ``count`` inputs were tried; the summary as plain data."""
    from auditkit.rules import loader

    rng = random.Random(seed)
    pool = seeds()
    example = ROOT / "examples" / "moscow-safe-city-frt.yaml"
    outcomes: list[Outcome] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="auditkit-fuzz-") as tmp:
        folder = Path(tmp)
        while (count is None or len(outcomes) < count) and (seconds is None or time.perf_counter() - start < seconds):
            loader._load_cached.cache_clear()  # every pack is read afresh
            _TIMINGS.clear()
            outcome = (
                fuzz_pack(rng, folder, example) if rng.random() < packs else fuzz_deployment(rng, folder, pool, pdf)
            )
            outcome.timings = list(_TIMINGS)
            outcomes.append(outcome)
            if outcome.problems:
                log(f"FAILED {outcome.kind} {outcome.label[:100]}: {outcome.problems[0][:200]}")
                if keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    (keep / f"failure-{len(outcomes)}.{outcome.kind}.txt").write_bytes(outcome.data)
    exits = Counter(code for o in outcomes for code in o.codes)
    first = Counter(o.codes[0] for o in outcomes)
    slowest = sorted(outcomes, key=lambda o: -o.seconds)[:5]
    return {
        "seed": seed,
        "inputs": len(outcomes),
        "deployments": sum(o.kind == "deployment" for o in outcomes),
        "packs": sum(o.kind == "pack" for o in outcomes),
        "commands": sum(len(o.codes) for o in outcomes),
        "seconds": round(time.perf_counter() - start, 1),
        "exits_by_code": dict(sorted(exits.items())),
        "first_command_exits": dict(sorted(first.items())),
        "slowest": [
            {
                "seconds": round(o.seconds, 3),
                "kind": o.kind,
                "bytes": len(o.data),
                "input": o.label[:160],
                "commands": o.timings,
            }
            for o in slowest
        ],
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "slowest_by_command": _slowest_by_command(outcomes),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "failures": [
            {"kind": o.kind, "input": o.label[:200], "problems": o.problems[:3]} for o in outcomes if o.problems
        ],
    }


def _slowest_by_command(outcomes: list[Outcome]) -> dict[str, dict[str, Any]]:
    """For each command (validate, audit pdf, principles...), its slowest run and on which input."""
    out: dict[str, dict[str, Any]] = {}
    for outcome in outcomes:
        for timing in outcome.timings:
            name, _, seconds_text = timing.rpartition(" ")
            seconds = float(seconds_text.rstrip("s"))
            if seconds > out.get(name, {}).get("seconds", -1.0):
                out[name] = {"seconds": seconds, "input": outcome.label[:120]}
    return dict(sorted(out.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, help="stop after this long (default 60 unless --count)")
    parser.add_argument("--count", type=int, help="stop after this many inputs")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--pdf", action="store_true", help="also render one valid input in ten as PDF")
    parser.add_argument("--keep", type=Path, help="write each failing input to this folder")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args()
    seconds = args.seconds if args.seconds is not None or args.count is not None else 60.0
    summary = run(
        seconds, args.count, args.seed, pdf=args.pdf, keep=args.keep, log=lambda line: print(line, file=sys.stderr)
    )
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            f"inputs: {summary['inputs']} ({summary['deployments']} deployments, {summary['packs']} packs), "
            f"{summary['commands']} commands in {summary['seconds']} s, seed {summary['seed']}"
        )
        print(f"exits by code (every command): {summary['exits_by_code']}")
        print(f"exits by code (first command: validate or principles --check): {summary['first_command_exits']}")
        print(f"peak memory (RSS of the fuzzing process, all inputs in one process): {summary['peak_rss_mib']} MiB")
        print("slowest inputs:")
        for row in summary["slowest"]:
            print(f"  {row['seconds']:7.3f} s  {row['kind']:<10} {row['bytes']:>8} bytes  {row['input']}")
            print(f"             {', '.join(row['commands'])}")
        print("slowest run of each command:")
        for name, row in summary["slowest_by_command"].items():
            print(f"  {name:<16} {row['seconds']:7.2f} s  {row['input']}")
        print(f"failures: {len(summary['failures'])}")
        for row in summary["failures"]:
            print(f"  {row['kind']}: {row['input']}: {row['problems']}")
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
