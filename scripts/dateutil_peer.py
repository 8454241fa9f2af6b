#!/usr/bin/env python3
"""Writes tests/data/rrule/dateutil_suite.json: the "rule -> these dates" assertions of
python-dateutil's own test suite, as a peer check of livesched's engine.

Usage, from the repository root (dateutil's tests are not part of this repository):

    git clone https://github.com/dateutil/dateutil /tmp/dateutil
    python3 scripts/dateutil_peer.py /tmp/dateutil/tests/test_rrule.py

Every test method of the file is run with dateutil instrumented: when a test
compares the full expansion of an `rrule` (or of an `rruleset` of rules and dates)
with a list of dates, the rule is written out as iCalendar text with the dates
dateutil expects. Rules with a zone-aware DTSTART are left out: `str(rrule)` drops
the zone. Nothing of dateutil's code is copied; only the rules and the dates.
"""

import importlib.util
import json
import sys
import types
import unittest
from datetime import datetime
from pathlib import Path

import dateutil
import dateutil.rrule as dr

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "rrule" / "dateutil_suite.json"


def stub(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules.setdefault(name, module)


class Marks:
    """`pytest.mark.anything` and `pytest.mark.anything(...)`: decorators that do nothing."""

    def __getattr__(self, _name):
        def mark(*args, **_kwargs):
            if len(args) == 1 and callable(args[0]):
                return args[0]
            return lambda f: f

        return mark


# The test module imports these; none of the recorded assertions needs them.
stub("freezegun", freeze_time=lambda *a, **k: (lambda f: f))
stub("six", PY2=False)
stub("pytest", mark=Marks())

expansions = []
STOCK_ITER = dr.rrulebase.__iter__


def recording_iter(self):
    out = []
    for occurrence in STOCK_ITER(self):
        out.append(occurrence)
        yield occurrence
    expansions.append((self, out))


def stamp(dt):
    return dt.strftime("%Y%m%dT%H%M%S")


def rule_lines(rule, name="RRULE"):
    lines = str(rule).splitlines()
    return [name + line[len("RRULE"):] for line in lines if line.startswith("RRULE")]


def ical(rule):
    """The rule (or rule set) as pasted iCalendar text, or None when it cannot be."""
    if isinstance(rule, dr.rrule):
        if rule._dtstart.tzinfo is not None:
            return None
        return str(rule)
    if isinstance(rule, dr.rruleset):
        rules = rule._rrule + rule._exrule
        dates = rule._rdate + rule._exdate
        if not rules or any(r._dtstart.tzinfo is not None for r in rules) or any(d.tzinfo for d in dates):
            return None
        start = rules[0]._dtstart
        if any(r._dtstart != start for r in rules):
            return None
        lines = ["DTSTART:" + stamp(start)]
        for r in rule._rrule:
            lines += rule_lines(r)
        for r in rule._exrule:
            lines += rule_lines(r, "EXRULE")
        if rule._rdate:
            lines.append("RDATE:" + ",".join(stamp(d) for d in rule._rdate))
        if rule._exdate:
            lines.append("EXDATE:" + ",".join(stamp(d) for d in rule._exdate))
        return "\n".join(lines)
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    spec = importlib.util.spec_from_file_location("dateutil_test_rrule", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dr.rrulebase.__iter__ = recording_iter
    cases = []
    skipped = 0
    stock_equal = unittest.TestCase.assertEqual

    def assert_equal(self, first, second, msg=None):
        nonlocal skipped
        if (
            isinstance(first, list)
            and first
            and all(type(x) is datetime for x in first)
            and expansions
            and expansions[-1][1] == first
        ):
            text = ical(expansions[-1][0])
            if text is None:
                skipped += 1
            else:
                cases.append({
                    "name": self._testMethodName,
                    "ical": text,
                    "expected": [d.strftime("%Y-%m-%dT%H:%M:%S") for d in first],
                })
        return stock_equal(self, first, second, msg)

    unittest.TestCase.assertEqual = assert_equal
    for name, cls in vars(module).items():
        if not (isinstance(cls, type) and issubclass(cls, unittest.TestCase)):
            continue
        for method in sorted(m for m in dir(cls) if m.startswith("test")):
            expansions.clear()
            try:
                getattr(cls(method), method)()
            except Exception:
                # Tests of errors, of pickling or of other APIs assert nothing we keep.
                pass
    seen = set()
    unique = []
    for c in cases:
        key = (c["name"], c["ical"])
        if key not in seen:
            seen.add(key)
            unique.append(c)
    doc = {"generator": "scripts/dateutil_peer.py", "dateutil": dateutil.__version__}
    head = json.dumps(doc, ensure_ascii=False)[:-1]
    body = ",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in unique)
    OUT.write_text(f'{head}, "cases": [\n{body}\n]}}\n')
    print(f"wrote {len(unique)} cases to {OUT} ({skipped} left out: zone-aware)")


if __name__ == "__main__":
    main()
