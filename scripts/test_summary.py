#!/usr/bin/env python3
"""Summarise a ./test run from meson's testlog.json (one JSON object per
line, one line per test) against the list of tests meson said it would
run (`meson test --list`, one 'project:suite / name' per line).

usage: test_summary.py TESTLOG_JSON [EXPECTED_LIST]

Prints 'expected N tests, N ran' and then 'N passed, N failed'. A test
that was expected and did not run, or that ran and was skipped as a
whole, counts as failed: a lost test is never silent. Exit 1 if any test
failed or none ran."""
import json
import sys

PASS = {'OK', 'EXPECTEDFAIL'}


def read_log(path):
    """{name: result} from testlog.json."""
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                t = json.loads(line)
                out[t.get('name', '?')] = t.get('result', '')
    return out


def main(log_path, expected_path=None):
    try:
        results = read_log(log_path)
        expected = None
        if expected_path:
            with open(expected_path) as f:
                expected = [l.strip() for l in f if ' / ' in l]
    except (OSError, ValueError) as e:
        print('test summary: cannot read %s: %s' % (expected_path or log_path, e))
        print('0 passed, 1 failed')
        return 1
    passed = [n for n, r in results.items() if r in PASS]
    skipped = [n for n, r in results.items() if r == 'SKIP']
    failed = [n for n, r in results.items() if r not in PASS and r != 'SKIP']
    missing = [n for n in (expected or []) if n not in results]
    if expected is not None:
        print('expected %d tests (meson test --list), %d ran' % (len(expected), len(results)))
    if missing:
        print('did not run: %s' % ', '.join(missing))
    if skipped:
        print('skipped (counted as failed): %s' % ', '.join(skipped))
    if failed:
        print('failed: %s' % ', '.join(failed))
    nfail = len(failed) + len(skipped) + len(missing)
    print('%d passed, %d failed' % (len(passed), nfail))
    return 1 if nfail or not passed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else 'build/meson-logs/testlog.json',
                  sys.argv[2] if len(sys.argv) > 2 else None))
