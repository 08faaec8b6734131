"""The sign-up's look-alike check on a site the size of "République numérique" (21,000 accounts).

Run by hand:

    DEBUG=1 .venv/bin/python bench/usernames.py [--users 21000] [--repeat 7]

In a fresh SQLite database (a temporary VAR_DIR) it writes --users accounts with bulk_create, then
measures, in the same run, the median time of one sign-up's name check:

* baseline: allauth's own duplicate check alone, `username__iexact` (one indexed query; it lets
  `аrbeitskreis` with a Cyrillic а through);
* ours: `deliberation.accounts.adapter.username_taken_lookalike` (reads every username and
  compares Unicode confusable skeletons, deliberation/usernames.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=21_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-usernames-") as var:
        os.environ.update(VAR_DIR=var, DEBUG="1", DJANGO_SETTINGS_MODULE="deliberation.settings")
        os.environ.pop("DATABASE_URL", None)
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from deliberation.accounts.adapter import username_taken_lookalike

        call_command("migrate", verbosity=0)
        users = get_user_model()
        users.objects.bulk_create(
            [users(username=f"buerger{i:06d}", password="!") for i in range(args.users)],
            batch_size=2000,
        )
        users.objects.create(username="Arbeitskreis", password="!")
        wanted = "аrbeitskreis"  # Cyrillic а

        def median_ms(check) -> tuple[float, bool]:
            times, found = [], False
            for _ in range(args.repeat):
                start = time.perf_counter()
                found = check()
                times.append(time.perf_counter() - start)
            return statistics.median(times) * 1000, found

        print(f"{args.users + 1} accounts, SQLite, median of {args.repeat}:")
        # A free name is the worst case (every name is read); a look-alike may be found early.
        for name in ("clara", wanted):
            naive = median_ms(lambda n=name: users.objects.filter(username__iexact=n).exists())
            ours = median_ms(lambda n=name: username_taken_lookalike(n))
            print(f"  {name!r}:")
            print(f"    baseline username__iexact:   {naive[0]:8.1f} ms  refused: {naive[1]}")
            print(f"    ours (confusable skeletons): {ours[0]:8.1f} ms  refused: {ours[1]}")


if __name__ == "__main__":
    main()
