"""The notify worker's once-a-minute sweep (geodata/cases/handling.py ``sweep``: 督办 due, cases
back from the record, reminders and the day's digests) on the demo county, against the dashboard's
overdue count over the same cases, measured in the same process.

    python -m scripts.bench.sweep [--incidents 60000] [--repeat 5] [--backend sqlite|postgis]

The first sweep after seeding sends what the demo's day holds (reminders, digests); the ones after
it find nothing new, which is what a worker does nearly every minute: their median is the figure.
"""

from __future__ import annotations

import statistics

from geodata import clock
from geodata.cases.handling import sweep
from scripts.bench.common import backend_parser, seeded_demo, timed


def main() -> None:
    p = backend_parser(__doc__.split("\n\n")[0])
    p.add_argument("--incidents", type=int, default=60_000)
    args = p.parse_args()
    with seeded_demo(args, args.incidents) as (store, county):
        now = clock.now()
        first, done = timed(lambda: sweep(store, county, now=now), 1)
        print(f"first sweep: {first[0] * 1000:.0f} ms, sent {done}")
        idle, again = timed(lambda: sweep(store, county, now=now), args.repeat)
        assert not any(
            again.get(k) for k in ("supervision_1", "supervision_2", "unshelved", "overdue", "due_soon")
        )
        base, _ = timed(
            lambda: store.count_incidents(county.id, overdue_at=now, duplicates=False), args.repeat
        )
        s, b = statistics.median(idle), statistics.median(base)
        print(
            f"idle sweep: median {s * 1000:.1f} ms; baseline (count overdue cases): median {b * 1000:.1f} ms"
        )
        print(f"ratio sweep / baseline: {s / b:.2f}  ({args.backend}, {args.incidents} incidents)")


if __name__ == "__main__":
    main()
