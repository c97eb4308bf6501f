"""Which caseworker sees which case first: urgency, then their languages, then age.

A non-urgent case in a language that some active caseworker speaks is kept
for those speakers for a short while (HELPDESK_LANGUAGE_HOLD_SECONDS); after
that, or at once when the case is urgent, anyone may take it: a person in
danger never waits for a language match.
"""
from datetime import datetime, timedelta
from typing import Iterable, List, Set

from bot.accounts import Account
from bot.store import CaseView, utcnow


def speakers_of(accounts: Iterable[Account]) -> Set[str]:
    """Languages spoken by at least one active caseworker."""
    return {code for a in accounts if a.kind == "staff" and a.active for code in a.languages}


def reserved_for_speakers(case: CaseView, spoken: Set[str], hold_seconds: int,
                          now: datetime = None) -> bool:
    """Whether only speakers of the case's language may claim it right now."""
    if case.urgent or case.language not in spoken or case.created_at is None:
        return False
    return (now or utcnow()) - case.created_at < timedelta(seconds=hold_seconds)


def may_claim(account: Account, case: CaseView, spoken: Set[str], hold_seconds: int) -> bool:
    return case.language in account.languages or \
        not reserved_for_speakers(case, spoken, hold_seconds)


def queue_for(account: Account, cases: List[CaseView]) -> List[CaseView]:
    """Urgent first, then cases in the caseworker's languages, then the oldest."""
    def key(case: CaseView):
        return (not case.urgent, case.language not in account.languages,
                case.created_at or datetime.min)
    return sorted(cases, key=key)
