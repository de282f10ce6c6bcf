#!/usr/bin/env python3
"""Writes N inbox items as JSON Lines, five languages mixed (en, pl, de, nl, ru), for the inbox benchmarks.

Deterministic (seeded): the same arguments give the same file. Items are written like customers of a café write:
questions, complaints, praise, short and long, some with emojis, some with the language given and most without.
Channels are the example strategy's single channel per network (instagram, facebook, mastodon), so every item is valid
against Templates/strategy.yaml.

usage: inbox_items.py OUT.jsonl [--count N] [--before 2027-01-09T12:00:00Z] [--prefix ID]
"""
import argparse
import datetime
import json
import random

PHRASES = {
    "en": ["Do you have oat milk?", "My latte was cold again, not happy.", "Best flat white in town!",
           "Are you open on Sunday?", "Waited 20 minutes for a coffee. Never again.", "Love the new winter blend 😍",
           "Can I book a table for six?", "The croissant was stale, sorry but no.", "Thanks for the lovely service today",
           "Is the terrace open yet?", "great coffee, slow service", "why is the card machine always broken??"],
    "pl": ["Czy macie mleko owsiane?", "Kawa była zimna, jestem rozczarowana.", "Najlepsze ciasto w mieście!",
           "Do której jesteście otwarci w sobotę?", "Czekałem pół godziny na zamówienie.", "Super obsługa, dziękuję 🙂",
           "Czy można u was zapłacić kartą?", "Rogalik był czerstwy.", "Uwielbiam waszą nową mieszankę!"],
    "de": ["Habt ihr Hafermilch?", "Der Kaffee war wieder kalt, echt enttäuschend.", "Bester Cappuccino der Stadt!",
           "Habt ihr am Sonntag geöffnet?", "Eine halbe Stunde gewartet, nie wieder.", "Danke für den netten Service 😊",
           "Kann ich einen Tisch reservieren?", "Das Croissant war alt.", "Die neue Wintermischung ist großartig!"],
    "nl": ["Hebben jullie havermelk?", "Mijn latte was weer koud, niet blij.", "Lekkerste koffie van de stad!",
           "Zijn jullie zondag open?", "Twintig minuten gewacht op een koffie.", "Bedankt voor de fijne service 👍",
           "Kan ik een tafel reserveren?", "De croissant was oud.", "Dol op jullie nieuwe blend!"],
    "ru": ["У вас есть овсяное молоко?", "Кофе опять был холодный, очень недовольна.", "Лучший капучино в городе!",
           "Вы работаете в воскресенье?", "Ждал заказ полчаса, больше не приду.", "Спасибо за отличный сервис 🙂",
           "Можно забронировать столик?", "Круассан был черствый.", "Обожаю вашу новую смесь!"],
}
LANGS = list(PHRASES)
NETWORKS = ["instagram", "facebook", "mastodon"]
KINDS = ["comment", "comment", "comment", "mention", "message", "review"]


def text_for(rng, lang, n):
    parts = rng.sample(PHRASES[lang], k=1 + (n % 3 == 0))
    return " ".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--before", default="2027-01-09T12:00:00Z")
    ap.add_argument("--prefix", default="bench")
    a = ap.parse_args()
    rng = random.Random(20)
    end = datetime.datetime.fromisoformat(a.before.replace("Z", "+00:00"))
    with open(a.out, "w", encoding="utf-8") as f:
        for n in range(a.count):
            lang = LANGS[n % 5]
            when = end - datetime.timedelta(seconds=60 + (n * 7) % (30 * 86400))
            item = {
                "network": NETWORKS[n % 3],
                "kind": KINDS[n % len(KINDS)],
                "id": f"{a.prefix}-{n}",
                "author": {"handle": f"@user{n % 50_000}", "followers": (n * 37) % 20_000},
                "text": text_for(rng, lang, n),
                "created_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            if n % 4 == 0:
                item["language"] = lang
            f.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
