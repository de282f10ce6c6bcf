#!/usr/bin/env python3
"""Generate Herald's shipped calendars (Calendars/*.ics) reproducibly.

Writes, next to this script:

  holidays-pl.ics  holidays-de.ics  holidays-nl.ics
  holidays-gb.ics  holidays-us.ics  holidays-ru.ics
  marketing-observances.ics

Country holidays come from the PyPI package ``holidays`` (pinned below);
marketing observances are computed here (Western Easter from
``python-dateutil``, everything else from fixed dates and weekday rules).

Requirements (Python 3.11):

    pip install holidays==0.109 python-dateutil

Regenerate (from the repository root):

    python3 Calendars/generate.py

The output depends only on the pinned package version and the constants in
this file: the DTSTAMP is fixed, events are sorted and UIDs are derived from
the date and the English name, so two runs produce byte-identical files.
Pass ``--check`` to regenerate in memory and exit 1 if any file on disk
differs (useful in CI).

Output is strict RFC 5545: CRLF line endings, lines folded at 75 octets
(never inside a UTF-8 sequence), TEXT values escaped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import unicodedata
from pathlib import Path

import holidays
from dateutil.easter import EASTER_WESTERN, easter
from dateutil.relativedelta import MO, SA, SU, TH, relativedelta

HOLIDAYS_VERSION = "0.109"
YEARS = (2026, 2027, 2028)
DTSTAMP = "20260101T000000Z"
PRODID = "-//Herald//Calendars//EN"
OUT_DIR = Path(__file__).resolve().parent


# --------------------------------------------------------------------------
# RFC 5545 writing
# --------------------------------------------------------------------------

def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 section 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold one content line at 75 octets; continuation lines start with a space.

    Never splits inside a UTF-8 multibyte sequence (we split between
    characters, counting their encoded length).
    """
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current = " "
            size = 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out) + "\r\n"


def slug(text: str) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ).replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


class Event:
    def __init__(self, day: dt.date, summary: str, description: str | None,
                 category: str, uid_domain: str):
        self.day = day
        self.summary = summary
        self.description = description
        self.category = category
        self.uid = f"{day.isoformat()}-{slug(summary)}@{uid_domain}"

    def lines(self) -> list[str]:
        end = self.day + dt.timedelta(days=1)
        lines = [
            "BEGIN:VEVENT",
            f"UID:{self.uid}",
            f"DTSTAMP:{DTSTAMP}",
            f"DTSTART;VALUE=DATE:{self.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{escape_text(self.summary)}",
        ]
        if self.description:
            lines.append(f"DESCRIPTION:{escape_text(self.description)}")
        lines += [
            "TRANSP:TRANSPARENT",
            f"CATEGORIES:{escape_text(self.category)}",
            "END:VEVENT",
        ]
        return lines


def render(name: str, description: str, events: list[Event]) -> bytes:
    events = sorted(events, key=lambda e: (e.day, e.summary, e.uid))
    uids = [e.uid for e in events]
    if len(uids) != len(set(uids)):
        raise SystemExit(f"duplicate UID in calendar {name!r}")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-CALDESC:{escape_text(description)}",
    ]
    for event in events:
        lines += event.lines()
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines).encode("utf-8")


# --------------------------------------------------------------------------
# Country holidays
# --------------------------------------------------------------------------

# Russian Labour Code, article 112: the official non-working holidays.
# The `holidays` package also lists weekend shifts ("observed") and transfer
# days decreed by the government each year; we keep only the article's dates.
RU_ARTICLE_112 = {(1, d) for d in range(1, 9)} | {
    (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4),
}

# code -> (country name, holidays kwargs, local language or None, description)
COUNTRIES: dict[str, tuple[str, dict, str | None, str]] = {
    "pl": ("Poland", {}, "pl",
           "Public holidays (dni ustawowo wolne od pracy) in Poland."),
    "de": ("Germany", {}, "de",
           "Nationwide public holidays in Germany (no state-only holidays)."),
    "nl": ("Netherlands", {}, "nl",
           "Public holidays in the Netherlands."),
    "gb": ("United Kingdom (England and Wales)", {"subdiv": "ENG"}, None,
           "Bank holidays in England and Wales, including substitute days."),
    "us": ("United States", {}, None,
           "US federal holidays, including observed dates when a holiday "
           "falls on a weekend."),
    "ru": ("Russia", {}, "ru",
           "Official non-working holidays in Russia (Labour Code, article 112). "
           "Weekend shifts and government transfer days are not included."),
}


def english_language(country: holidays.HolidayBase) -> str | None:
    langs = getattr(country, "supported_languages", ())
    for lang in ("en_GB", "en_US"):
        if lang in langs:
            # Use British English names only for GB.
            if lang == "en_GB" and country.country != "GB":
                continue
            return lang
    return None


def country_events(code: str) -> list[Event]:
    name, kwargs, local_lang, _ = COUNTRIES[code]
    upper = code.upper()
    probe = holidays.country_holidays(upper, years=YEARS[0], **kwargs)
    english = holidays.country_holidays(
        upper, years=YEARS, language=english_language(probe), **kwargs)
    local = (holidays.country_holidays(upper, years=YEARS, language=local_lang, **kwargs)
             if local_lang else None)
    events: list[Event] = []
    for day in sorted(english):
        if day.year not in YEARS:
            continue
        if upper == "RU" and (day.month, day.day) not in RU_ARTICLE_112:
            continue
        en_names = english.get_list(day)
        local_names = local.get_list(day) if local is not None else [None] * len(en_names)
        if len(local_names) != len(en_names):
            raise SystemExit(f"{upper} {day}: name lists differ: {en_names} / {local_names}")
        for en_name, local_name in zip(en_names, local_names):
            events.append(Event(day, en_name, local_name, "Holiday",
                                f"{code}.holidays.herald"))
    return events


# --------------------------------------------------------------------------
# Marketing observances
# --------------------------------------------------------------------------

def nth_weekday(year: int, month: int, weekday, n: int) -> dt.date:
    """The n-th given weekday (dateutil MO, TU, …) of a month."""
    return dt.date(year, month, 1) + relativedelta(weekday=weekday(n))


def observances(year: int) -> list[tuple[dt.date, str, str]]:
    easter_sunday = easter(year, EASTER_WESTERN)
    thanksgiving = nth_weekday(year, 11, TH, 4)
    christmas = dt.date(year, 12, 25)
    return [
        (nth_weekday(year, 1, MO, 3), "Blue Monday",
         "Third Monday of January, marketed as the gloomiest day of the year."),
        (dt.date(year, 2, 14), "Valentine's Day", "14 February."),
        (dt.date(year, 3, 8), "International Women's Day", "8 March (UN)."),
        (easter_sunday - dt.timedelta(days=21), "Mothering Sunday (UK)",
         "Fourth Sunday of Lent, three weeks before Easter Sunday (UK, IE)."),
        (easter_sunday, "Easter Sunday", "Western (Gregorian) Easter."),
        (dt.date(year, 4, 22), "Earth Day", "22 April."),
        (nth_weekday(year, 5, SU, 2), "Mother's Day (US, CA, DE, NL…)",
         "Second Sunday of May (US, CA, DE, NL, AU, IT and many others; "
         "PL celebrates on 26 May, UK on Mothering Sunday)."),
        (nth_weekday(year, 6, SU, 3), "Father's Day (US, UK, CA, NL…)",
         "Third Sunday of June (US, UK, CA, NL and many others)."),
        (dt.date(year, 6, 30), "World Social Media Day", "30 June."),
        (dt.date(year, 10, 1), "International Coffee Day", "1 October."),
        (dt.date(year, 10, 31), "Halloween", "31 October."),
        (dt.date(year, 11, 11), "Singles' Day", "11 November; the largest online "
         "shopping day in China, spreading to Europe."),
        (dt.date(year, 11, 13), "World Kindness Day", "13 November."),
        (thanksgiving + dt.timedelta(days=1), "Black Friday",
         "Day after US Thanksgiving (fourth Thursday of November)."),
        (thanksgiving + dt.timedelta(days=2), "Small Business Saturday",
         "Saturday after US Thanksgiving."),
        (thanksgiving + dt.timedelta(days=4), "Cyber Monday",
         "Monday after US Thanksgiving."),
        (thanksgiving + dt.timedelta(days=5), "Giving Tuesday",
         "Tuesday after US Thanksgiving."),
        (christmas + relativedelta(days=-1, weekday=SA(-1)), "Super Saturday",
         "Last Saturday before Christmas; a peak Christmas shopping day."),
        (dt.date(year, 12, 24), "Christmas Eve", "24 December."),
        (dt.date(year, 12, 26), "Boxing Day", "26 December; post-Christmas sales "
         "start (UK, CA, AU)."),
        (dt.date(year, 12, 31), "New Year's Eve", "31 December."),
    ]


def observance_events() -> list[Event]:
    events = []
    for year in YEARS:
        for day, summary, description in observances(year):
            assert day.year == year, (day, summary)
            events.append(Event(day, summary, description, "Observance",
                                "observances.herald"))
    return events


# --------------------------------------------------------------------------

def build() -> dict[str, bytes]:
    years = f"{YEARS[0]}-{YEARS[-1]}"
    files: dict[str, bytes] = {}
    for code, (name, _, _, description) in COUNTRIES.items():
        files[f"holidays-{code}.ics"] = render(
            f"Public holidays {years}: {name}",
            f"{description} Source: Python package holidays {HOLIDAYS_VERSION}.",
            country_events(code),
        )
    files["marketing-observances.ics"] = render(
        f"Marketing observances {years}",
        "Marketing and retail observances (Blue Monday, Valentine's Day, "
        "Black Friday, Cyber Monday …). Computed by Calendars/generate.py.",
        observance_events(),
    )
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if a file on disk differs")
    args = parser.parse_args()

    if holidays.__version__ != HOLIDAYS_VERSION:
        print(f"error: holidays {HOLIDAYS_VERSION} required, found {holidays.__version__}"
              f" (pip install holidays=={HOLIDAYS_VERSION})", file=sys.stderr)
        return 2

    stale = []
    for filename, data in build().items():
        path = OUT_DIR / filename
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(filename)
        else:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(OUT_DIR.parent)}")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
