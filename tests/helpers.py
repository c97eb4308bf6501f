"""Helpers shared by the tests (not fixtures: plain functions): accounts, a fake Rasa script, demo ids, running an action."""
from sqlalchemy import select

from bot.auth import ACCOUNTS
from services_catalog.db import open_session
from services_catalog.models import Organization, Service

PASSWORD = "a long enough password"


def handoff_script(urgent: bool, reason: str):
    """A fake Rasa that opens a case for "help…" (and the safety net's /crisis_…), else echoes."""
    def script(body):
        if body["message"].startswith(("help", "/crisis", "ساعدني")):
            return [{"text": "a person will answer"},
                    {"custom": {"handoff": {"urgent": urgent, "reason": reason}}}]
        return [{"text": f"bot:{body['message']}"}]
    return script


def make_account(client, email, languages=("fr",), role="caseworker", kind="staff", org=None):
    return client.app[ACCOUNTS].create(email, PASSWORD, kind=kind, role=role,
                                       languages=list(languages), organization_id=org)


def demo_ids():
    """The demo catalogue's organisations and services by name."""
    with open_session() as session:
        orgs = {o.name: o.id for o in session.execute(select(Organization)).scalars()}
        services = {s.name: s.id for s in session.execute(select(Service)).scalars()}
    return orgs, services


def run(action, tracker_):
    """Run a custom action as the action server would: (messages it sent, events it returned)."""
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker_, {})
    return dispatcher.messages, events


def responses(messages):
    """The response names among an action's messages, in order."""
    return [m.get("response") for m in messages if m.get("response")]
