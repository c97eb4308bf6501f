"""Old Rasa sessions are purged; the current one, which Rasa reads, is kept whole."""
from sqlalchemy import create_engine, text

from bot.tracker_eraser import TrackerEraser


def test_events_before_the_latest_session_start_are_purged(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                                "type_name TEXT, timestamp FLOAT, data TEXT)"))
        rows = [("a", "session_started", 1), ("a", "user", 2), ("a", "bot", 3),
                ("a", "session_started", 10), ("a", "user", 11),
                ("b", "session_started", 5), ("b", "user", 6),
                ("c", "user", 1)]  # no session start at all: nothing to purge
        for sender, kind, stamp in rows:
            connection.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                                    "VALUES (:s, :k, :t, '{}')"), {"s": sender, "k": kind, "t": stamp})
    assert TrackerEraser(engine).purge_old_sessions() == 3
    with engine.connect() as connection:
        left = connection.execute(text("SELECT sender_id, timestamp FROM events ORDER BY id")).all()
    assert left == [("a", 10), ("a", 11), ("b", 5), ("b", 6), ("c", 1)]
    assert TrackerEraser(engine).purge_old_sessions() == 0
