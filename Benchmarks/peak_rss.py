#!/usr/bin/env python3
"""Runs a command once and prints its wall time (s) and peak resident memory (MiB), from wait4's rusage.

usage: peak_rss.py [--prepare 'shell command'] -- command args...
"""
import os
import subprocess
import sys
import time


def main() -> int:
    args = sys.argv[1:]
    prepare = None
    if args[:1] == ["--prepare"]:
        prepare, args = args[1], args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 64
    if prepare:
        subprocess.run(prepare, shell=True, check=True, stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux.
    print(f"{wall:.4f} {usage.ru_maxrss / 1024:.1f} {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
