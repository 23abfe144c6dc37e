"""Builds the bare list's database: 500 buildings, 50,000 households, deterministic
(ANCHOR_DB, or data.db beside this file)."""

import os
import random
import sqlite3

from models import DB_PATH, db, make_app

SYLLABLES = [
    "ber", "man", "sch", "mid", "mül", "ler", "wag", "ner", "kel", "hof", "bau", "er",
    "stein", "berg", "feld", "hau", "sen", "lin", "dorf", "ko", "wal", "ter", "fri", "tz",
    "rot", "hen", "bach", "mai", "zim", "rich", "lo", "pe", "ta", "no", "vi", "ra", "sa",
    "gu", "den", "son",
]  # fmt: skip
FIRST = [
    "Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hanna", "Ivan", "Jana",
    "Karl", "Lena", "Max", "Nora", "Omar", "Paula", "Rosa", "Sven", "Tina", "Uwe", "Vera",
    "Willi", "Yara", "Zoe",
]  # fmt: skip


def build() -> None:
    if os.path.exists(DB_PATH):
        os.remove(DB_PATH)
    app = make_app(__name__)
    with app.app_context():
        db.create_all()
    rng = random.Random(42)
    con = sqlite3.connect(DB_PATH)
    surnames = sorted(
        {
            "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 2, 3]))).capitalize()
            for _ in range(6000)
        }
    )
    con.executemany(
        "insert into building(id,name,street) values(?,?,?)",
        [
            (
                i,
                f"Haus {rng.choice(surnames)} {i}",
                f"{rng.choice(surnames)}straße {rng.randint(1, 200)}",
            )
            for i in range(1, 501)
        ],
    )
    rows = []
    for i in range(1, 50001):
        surname, first = rng.choice(surnames), rng.choice(FIRST)
        rows.append(
            (
                i,
                f"{surname}, {first}",
                rng.randint(1, 500),
                f"{rng.randint(0, 9)}.{rng.randint(1, 40):02d}",
                rng.randint(1, 7),
                f"+49 30 {rng.randint(1000000, 9999999)}",
                f"{first.lower()}.{surname.lower()}@example.org",
            )
        )
    con.executemany(
        "insert into household(id,name,building_id,unit,members,phone,email) values(?,?,?,?,?,?,?)",
        rows,
    )
    con.commit()
    con.execute("analyze")
    con.commit()
    con.close()


if __name__ == "__main__":
    build()
