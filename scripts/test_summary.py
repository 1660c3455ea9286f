#!/usr/bin/env python3
"""Print 'N passed, N failed' from meson's testlog.json (one JSON object
per line, one line per test). Exit 1 if any test failed or none ran."""
import json
import sys

PASS = {'OK', 'EXPECTEDFAIL'}
FAIL = {'FAIL', 'TIMEOUT', 'ERROR', 'UNEXPECTEDPASS'}


def main(path):
    passed, failed, skipped = [], [], []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                t = json.loads(line)
                res = t.get('result', '')
                (passed if res in PASS else failed if res in FAIL else skipped).append(t.get('name', '?'))
    except (OSError, ValueError) as e:
        print('test summary: cannot read %s: %s' % (path, e))
        print('0 passed, 1 failed')
        return 1
    if skipped:
        print('skipped: %s' % ', '.join(skipped))
    if failed:
        print('failed: %s' % ', '.join(failed))
    print('%d passed, %d failed' % (len(passed), len(failed)))
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else 'build/meson-logs/testlog.json'))
