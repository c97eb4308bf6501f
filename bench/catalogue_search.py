"""Catalogue search latency at 1k, 10k and 50k services on SQLite (`make bench`).

Generates synthetic services (spread over the launch topics, 100 postcodes,
coordinates around Lyon, the launch languages, some paying, some for given
ages) in a temporary SQLite file through the real importer, then times
ServiceRepository.page as the topic actions call it: by shared location
(nearest first), by postcode (widened when empty), by town, anywhere; first
pages and "More" pages. Prints p50, p95 and max per size.
Goal (issue 3): p95 under 20 ms at 50,000 services.

`BENCH_DB_DIR=dir` keeps the generated databases there (keyed by the schema's
source), so repeated runs skip the slow import; `--plan` prints SQLite's query
plan of each query shape instead of timing.
"""
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Optional

from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

from services_catalog.csv_format import ServiceRecord
from services_catalog.db import make_engine
from services_catalog.importer import import_records
from services_catalog.repository import SearchRequest, ServiceRepository
from services_catalog.taxonomy import TOPIC_INTENTS

LANGS = ["fr", "en", "ar", "uk", "ru", "fa", "ps", "es"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
QUERIES = 300
AGE_BANDS = [(0, 2), (3, 6), (7, 17)]
SCHEMA_SOURCES = ["services_catalog/models.py", "services_catalog/importer.py", "bench/catalogue_search.py"]


def synthetic(count: int, rng: random.Random):
    for i in range(count):
        placed = rng.random() < 0.9
        aged = rng.random() < 0.2
        yield ServiceRecord(
            organization=f"Org {i // 5}", name=f"Service {i}",
            topics=rng.sample(TOPIC_INTENTS, 2), descriptions={"fr": "Description", "en": "Description"},
            address=f"{i} rue Exemple", postal_code=f"69{rng.randrange(100):03d}", city="Lyon",
            latitude=45.70 + rng.random() * 0.1 if placed else None,
            longitude=4.78 + rng.random() * 0.14 if placed else None,
            phone="04 65 71 00 00", languages=rng.sample(LANGS, 3), is_free=rng.random() < 0.7,
            minimum_age=rng.choice([0, 3, 6]) if aged else None,
            maximum_age=rng.choice([3, 6, 17]) if aged else None,
            schedules=[(",".join(sorted(rng.sample(DAYS, 3), key=DAYS.index)), "09:00", "17:00")])


def random_request(rng: random.Random) -> SearchRequest:
    topic = rng.choice(TOPIC_INTENTS)
    where = rng.random()
    request = SearchRequest(topic, language=rng.choice(LANGS),
                            offset=rng.choice([0, 0, 0, 3, 6]),
                            child_ages=rng.choice(AGE_BANDS) if topic.startswith("childcare") else None)
    if where < 0.35:
        request.near = (45.70 + rng.random() * 0.1, 4.78 + rng.random() * 0.14)
    elif where < 0.7:
        request.postal_code_prefix = f"69{rng.randrange(120):03d}"  # some have no service: widened
    elif where < 0.85:
        request.postal_code_prefix = "6900"
    return request


def schema_key() -> str:
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(b"".join((root / p).read_bytes() for p in SCHEMA_SOURCES))
    return digest.hexdigest()[:12]


def build(size: int, path: Path) -> Optional[float]:
    """The synthetic catalogue, through the real importer; its speed in services/s
    (None when a kept database was reused)."""
    keep = os.environ.get("BENCH_DB_DIR")
    kept = Path(keep) / f"bench-{size}-{schema_key()}.db" if keep else None
    if kept and kept.exists():
        shutil.copy(kept, path)
        return None
    engine = make_engine(f"sqlite:///{path}")
    records = list(synthetic(size, random.Random(size)))
    started = time.perf_counter()
    with sessionmaker(engine, future=True)() as session, session.begin():
        import_records(session, records)
    speed = size / (time.perf_counter() - started)
    engine.dispose()
    if kept:
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, kept)
    return speed


def measure(size: int, rng: random.Random, plan: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.db"
        import_speed = build(size, path)
        engine = make_engine(f"sqlite:///{path}")
        if plan:
            @event.listens_for(engine, "before_cursor_execute")
            def show_plan(connection, cursor, statement, parameters, context, executemany):
                if statement.lstrip().upper().startswith("SELECT") and "QUERY PLAN" not in statement:
                    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                    print(statement.split("FROM")[0][:70].replace("\n", " "), "…")
                    for row in rows:
                        print("   ", row[-1])
        sessions = sessionmaker(engine, future=True)
        timings = []
        with sessions() as session:
            repository = ServiceRepository(session)
            for _ in range(3 if plan else QUERIES):
                request = random_request(rng)
                started = time.perf_counter()
                repository.page(request)
                timings.append((time.perf_counter() - started) * 1000)
                session.expunge_all()  # each answer is a new action call: no warm identity map
        engine.dispose()
    timings.sort()
    return {"size": size, "p50": statistics.median(timings),
            "p95": timings[max(0, int(len(timings) * 0.95) - 1)], "max": timings[-1],
            "import_services_per_s": import_speed}


def main(sizes=(1_000, 10_000, 50_000), plan: bool = False) -> int:
    rng = random.Random(42)
    print(f"catalogue search on SQLite, {QUERIES} queries per size (ms)")
    print(f"{'services':>9} {'p50':>8} {'p95':>8} {'max':>8} {'import/s':>9}")
    results = []
    for size in sizes:
        r = measure(size, rng, plan)
        speed = f"{r['import_services_per_s']:9.0f}" if r["import_services_per_s"] else "   (kept)"
        print(f"{r['size']:>9} {r['p50']:8.2f} {r['p95']:8.2f} {r['max']:8.2f} {speed}", flush=True)
        results.append(r)
    print("goal: p95 under 20 ms at 50,000 services; import/s: the importer's speed on this machine")
    out = Path(__file__).resolve().parent / "results" / f"{date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(out.read_text()) if out.exists() else {}
    existing["catalogue_search_ms"] = results
    out.write_text(json.dumps(existing, indent=2))
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--plan"]
    sys.exit(main(tuple(int(a) for a in args) or (1_000, 10_000, 50_000), plan="--plan" in sys.argv))
