"""Catalogue search latency at 1k, 10k and 50k services on SQLite (`make bench`).

Generates synthetic services (spread over the launch topics, 100 postcodes,
the launch languages) in a temporary SQLite file through the real importer,
then times ServiceRepository.search for random topic / postcode / language
queries, as the topic action calls it. Prints p50, p95 and max per size.
Goal (issue 3): p95 under 20 ms at 50,000 services.
"""
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from services_catalog.csv_format import ServiceRecord
from services_catalog.db import make_engine
from services_catalog.importer import import_records
from services_catalog.repository import ServiceRepository
from services_catalog.taxonomy import TOPIC_INTENTS
from sqlalchemy.orm import sessionmaker

LANGS = ["fr", "en", "ar", "uk", "ru", "fa", "ps", "es"]
QUERIES = 300


def synthetic(count: int, rng: random.Random):
    for i in range(count):
        yield ServiceRecord(
            organization=f"Org {i // 5}", name=f"Service {i}",
            topics=rng.sample(TOPIC_INTENTS, 2), descriptions={"fr": "Description", "en": "Description"},
            address=f"{i} rue Exemple", postal_code=f"69{rng.randrange(100):03d}", city="Lyon",
            phone="04 65 71 00 00", languages=rng.sample(LANGS, 3),
            schedules=[("MO,TU,WE", "09:00", "17:00")])


def measure(size: int, rng: random.Random) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        engine = make_engine(f"sqlite:///{Path(directory) / 'bench.db'}")
        sessions = sessionmaker(engine, future=True)
        with sessions() as session, session.begin():
            import_records(session, list(synthetic(size, rng)))
        timings = []
        with sessions() as session:
            repository = ServiceRepository(session)
            for _ in range(QUERIES):
                topic = rng.choice(TOPIC_INTENTS)
                postcode = rng.choice([None, f"69{rng.randrange(100):03d}", "69"])
                started = time.perf_counter()
                repository.search(topic, postal_code_prefix=postcode, language=rng.choice(LANGS), limit=3)
                timings.append((time.perf_counter() - started) * 1000)
        engine.dispose()
    timings.sort()
    return {"size": size, "p50": statistics.median(timings),
            "p95": timings[int(len(timings) * 0.95) - 1], "max": timings[-1]}


def main(sizes=(1_000, 10_000, 50_000)) -> int:
    rng = random.Random(42)
    print(f"catalogue search on SQLite, {QUERIES} queries per size (ms)")
    print(f"{'services':>9} {'p50':>8} {'p95':>8} {'max':>8}")
    for size in sizes:
        r = measure(size, rng)
        print(f"{r['size']:>9} {r['p50']:8.2f} {r['p95']:8.2f} {r['max']:8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(tuple(int(a) for a in sys.argv[1:]) or (1_000, 10_000, 50_000)))
