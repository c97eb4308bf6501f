"""Usage statistics as aggregate counts only: per day, language and topic or case reason.

A count is never tied to a person or a conversation: rows hold a day, a
language, a kind, a key (an intent, a case reason) and a number. They survive
the erasure of the conversations they counted, which is why they hold nothing
else.
"""
from datetime import date, timedelta
from typing import Dict, List

from sqlalchemy import Column, Date, Integer, String, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.store import Base
from migrations import ensure_schema

KINDS = ("question", "case_opened", "case_urgent")


class DailyCount(Base):
    __tablename__ = "daily_counts"
    day = Column(Date, primary_key=True)
    language = Column(String(8), primary_key=True)
    kind = Column(String(16), primary_key=True)
    key = Column(String(64), primary_key=True)  # an intent or case reason
    count = Column(Integer, nullable=False, default=0)


def topic_of(intent: str) -> str:
    """The topic an intent belongs to: its prefix (DESIGN.md), `crisis` for crisis_*."""
    for prefix in ("language_course", "cso_services", "childcare", "health", "rights", "crisis"):
        if intent.startswith(prefix):
            return prefix
    return "general"


class UsageStats:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = sessionmaker(engine, future=True)
        ensure_schema(engine)

    def count(self, language: str, kind: str, key: str, day: date = None) -> None:
        """Add one to a counter (an upsert, safe with several gateways)."""
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(DailyCount).values(day=day or date.today(), language=language[:8],
                                              kind=kind, key=key[:64], count=1)
        statement = statement.on_conflict_do_update(
            index_elements=["day", "language", "kind", "key"],
            set_={"count": DailyCount.count + 1})
        with self._sessions() as session, session.begin():
            session.execute(statement)

    def summary(self, days: int = 30) -> Dict[str, List[dict]]:
        """Counts of the last `days` days: by day and kind, by language, by topic."""
        since = date.today() - timedelta(days=days - 1)
        with self._sessions() as session:
            rows = session.execute(select(DailyCount).where(DailyCount.day >= since)
                                   .order_by(DailyCount.day)).scalars().all()
        by_day: Dict[tuple, int] = {}
        by_language: Dict[tuple, int] = {}
        by_topic: Dict[tuple, int] = {}
        for row in rows:
            by_day[(row.day.isoformat(), row.kind)] = by_day.get((row.day.isoformat(), row.kind), 0) + row.count
            by_language[(row.language, row.kind)] = by_language.get((row.language, row.kind), 0) + row.count
            topic = topic_of(row.key)
            by_topic[(topic, row.kind)] = by_topic.get((topic, row.kind), 0) + row.count
        return {
            "by_day": [{"day": d, "kind": k, "count": c} for (d, k), c in sorted(by_day.items())],
            "by_language": [{"language": lang, "kind": k, "count": c}
                            for (lang, k), c in sorted(by_language.items())],
            "by_topic": [{"topic": t, "kind": k, "count": c} for (t, k), c in sorted(by_topic.items())],
        }
