"""A record of erased conversations, kept apart from the databases, so that a
restored backup can be made to forget again what was erased after it was taken.

It holds pseudonymous ids and a time, nothing else, and only as long as the
oldest backup that could be restored (HELPDESK_LEDGER_DAYS, default 35).
Keep it on other storage than the backups (docs/operations.md).
"""
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import List, Optional, Tuple

STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


class ErasureLedger:
    def __init__(self, path: Path, keep_days: int = 35):
        self.path = path
        self.keep_days = keep_days
        self._lock = threading.Lock()

    def record(self, conversation_id: str, when: Optional[datetime] = None) -> None:
        stamp = (when or datetime.now(timezone.utc)).strftime(STAMP)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            # Append and fsync: an erasure must survive a crash right after it. A
            # leading newline ends any line a crash left unfinished; readers skip blanks.
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(descriptor, "a", encoding="utf-8") as ledger:
                ledger.write(f"\n{stamp} {conversation_id}\n")
                ledger.flush()
                os.fsync(ledger.fileno())

    def entries(self) -> List[Tuple[Optional[datetime], str]]:
        """(time, id) per line; a damaged line's time is None (then it is never pruned,
        and always erased again: erring towards forgetting)."""
        if not self.path.exists():
            return []
        found = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            stamp, _, conversation_id = line.strip().partition(" ")
            if not stamp:
                continue
            try:
                when = datetime.strptime(stamp, STAMP).replace(tzinfo=timezone.utc)
            except ValueError:
                when = None
            if conversation_id:
                found.append((when, conversation_id.strip()))
        return found

    def since(self, moment: datetime) -> List[str]:
        """Ids erased at or after `moment` (UTC), and those whose time is unreadable."""
        return list(dict.fromkeys(cid for when, cid in self.entries() if when is None or when >= moment))

    def prune(self) -> None:
        """Drop entries older than any backup that may still be restored."""
        if not self.path.exists():
            return
        cutoff = datetime.now(timezone.utc) - timedelta(days=self.keep_days)
        with self._lock:
            kept = [(when, cid) for when, cid in self.entries() if when is None or when >= cutoff]
            temporary = self.path.with_suffix(".tmp")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                out.write("".join(f"{when.strftime(STAMP) if when else 'unknown'} {cid}\n"
                                  for when, cid in kept))
            os.replace(temporary, self.path)
