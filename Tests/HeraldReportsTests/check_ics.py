"""Checks an ICS file written by Herald with the `icalendar` package (a strict RFC 5545 reader).

Usage: python3 check_ics.py FILE.ics
Prints a JSON summary of the events on stdout and exits 0, or prints the problems on stderr and exits 1.
Checks: CRLF line ends, no line over 75 octets, every line valid UTF-8, no parse errors on any component,
the fields every event must have, a VTIMEZONE for every TZID used, and that serialising the parsed calendar and
parsing it again gives the same events (UIDs, starts, summaries, descriptions).
"""
import json
import sys

import icalendar

REQUIRED = ["UID", "DTSTAMP", "DTSTART", "DURATION", "SUMMARY", "DESCRIPTION", "CATEGORIES", "STATUS"]


def events(cal):
    out = []
    for ev in cal.walk("VEVENT"):
        start = ev.decoded("DTSTART")
        cats = ev.get("CATEGORIES")
        out.append({
            "uid": str(ev["UID"]),
            "summary": str(ev["SUMMARY"]),
            "description": str(ev["DESCRIPTION"]),
            "start_utc": start.astimezone(__import__("datetime").timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tzid": ev["DTSTART"].params.get("TZID"),
            "duration_minutes": int(ev.decoded("DURATION").total_seconds() // 60),
            "categories": [str(c) for c in cats.cats] if cats is not None else [],
            "status": str(ev["STATUS"]),
        })
    return out


def main(path):
    raw = open(path, "rb").read()
    problems = []
    if not raw.endswith(b"\r\n"):
        problems.append("the file does not end with CRLF")
    lines = raw.split(b"\r\n")[:-1]
    for n, line in enumerate(lines, 1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {n}: a bare LF or CR")
        if len(line) > 75:
            problems.append(f"line {n}: {len(line)} octets (more than 75)")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(f"line {n}: not valid UTF-8 on its own ({e}); a fold split a character")
    cal = icalendar.Calendar.from_ical(raw)
    for comp in cal.walk():
        for err in getattr(comp, "errors", []):
            problems.append(f"{comp.name}: {err}")
    tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    first = events(cal)
    for ev in cal.walk("VEVENT"):
        for key in REQUIRED:
            if key not in ev:
                problems.append(f"event {ev.get('UID')}: no {key}")
    for e in first:
        if e["tzid"] and e["tzid"] not in tzids:
            problems.append(f"event {e['uid']}: TZID {e['tzid']} has no VTIMEZONE")
    uids = [e["uid"] for e in first]
    if len(set(uids)) != len(uids):
        problems.append("UIDs are not unique")
    again = events(icalendar.Calendar.from_ical(cal.to_ical()))
    if again != first:
        problems.append("serialising and parsing again changed the events")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(json.dumps({"calendar_name": str(cal.get("X-WR-CALNAME", "")), "timezones": sorted(tzids), "events": first}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
