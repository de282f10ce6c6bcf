#!/usr/bin/env python3
"""Times two commands side by side, interleaved (A B B A A B …), each run after an untimed prepare step, so that the
drift of a shared machine's speed falls on both alike. Writes a JSON summary and prints one line per command.

usage: interleave.py --runs N --prepare CMD --out FILE.json -- NAME=CMD NAME=CMD
"""
import json
import statistics
import subprocess
import sys
import time

args = sys.argv[1:]
runs, prepare, out = 10, None, None
while args and args[0] != "--":
    flag = args.pop(0)
    if flag == "--runs":
        runs = int(args.pop(0))
    elif flag == "--prepare":
        prepare = args.pop(0)
    elif flag == "--out":
        out = args.pop(0)
    else:
        sys.exit(f"unknown option {flag}")
commands = [a.split("=", 1) for a in args[1:]]
if len(commands) != 2:
    sys.exit("give two commands: NAME=CMD NAME=CMD")

times = {name: [] for name, _ in commands}
for i in range(runs):
    order = commands if i % 4 in (0, 3) else list(reversed(commands))
    for name, cmd in order:
        if prepare:
            subprocess.run(prepare, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run("sync", shell=True, check=True)
        start = time.perf_counter()
        done = subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"{name} exited {done.returncode}: {done.stderr.decode()[-500:]}")
        times[name].append(elapsed)

summary = {name: {"median": statistics.median(t), "min": min(t), "max": max(t), "times": t} for name, t in times.items()}
(a, _), (b, _) = commands
summary["ratio"] = summary[b]["median"] / summary[a]["median"]
if out:
    with open(out, "w") as f:
        json.dump(summary, f, indent=1)
for name, _ in commands:
    s = summary[name]
    print(f"   {name}: median {s['median'] * 1000:.0f} ms, min {s['min'] * 1000:.0f}, max {s['max'] * 1000:.0f} ({runs} runs)")
print(f"   {b} / {a}: {summary['ratio']:.2f}")
