"""Texts of the caseworkers' console (queue, case, reviews, invitations, audit) as gettext ids.

Names shared with the portal (SIGN_IN, EMAIL…) are the portal's: console
pages read both modules, this one first, so a name here must be new.

Templates use them by name through `t` (`t.QUEUE`, `t("HELD_FOR", language=…)`),
as the portal does with bot/views/portal_texts.py, so pybabel extracts every
text a page can show. console.js gets the texts it needs from the page
(`JS_TEXTS`, already translated), never from its own English.
"""
from typing import Dict

from localization import N_

CONSOLE_TITLE = N_("Help desk console")
SKIP_TO_CONTENT = N_("Skip to content")
CONSOLE_NAVIGATION = N_("Console menu")
QUEUE = N_("Queue")
CATALOGUE_REVIEWS = N_("Catalogue reviews")
INVITE_ORGANISATION = N_("Invite an organisation")
AUDIT_LOG = N_("Audit log")
ROLE_CASEWORKER = N_("caseworker")
ROLE_ADMIN = N_("administrator")
URGENT_BANNER = N_("An urgent case is waiting. It may be a person in danger:")
URGENT_BANNER_LINK = N_("open the queue and take it now.")
SOUND_ON = N_("Sound alerts: on")
SOUND_OFF = N_("Sound alerts: off")
LIVE_NEEDS_JS = N_("Live updates need JavaScript: reload the page to see new cases.")

SIGN_IN_TITLE = N_("Sign in to the console")

WAITING = N_("Waiting")
IN_PROGRESS = N_("In progress")
WAITING_CAPTION = N_("Cases waiting for a caseworker: urgent first, then your languages, then the oldest")
PROGRESS_CAPTION = N_("Cases a caseworker has taken")
URGENCY = N_("Urgency")
CASE = N_("Case")
LANGUAGE = N_("Language")
OPENED = N_("Opened")
CHANNEL = N_("Channel")
STATE = N_("State")
URGENT = N_("Urgent")
NORMAL = N_("Normal")
NONE = N_("None.")
YOU_SPEAK_IT = N_("you speak it")
HELD_FOR = N_("held for {language} speakers")
STATE_WAITING = N_("waiting")
STATE_WITH_YOU = N_("with you")
STATE_WITH_OTHER = N_("with another caseworker")

BACK_TO_QUEUE = N_("Back to the queue")
CASE_TITLE = N_("Case {number}")
WRITTEN_RTL = N_("written right to left")
NOT_YOUR_LANGUAGE = N_("You do not speak it: use the prepared replies, which go out in {language}.")
WAITING_FOR_CASEWORKER = N_("Waiting for a caseworker")
WITH_YOU = N_("With you")
WITH_CASEWORKER = N_("With {caseworker}")
WITH_ANOTHER = N_("With another caseworker")
CLOSED = N_("Case closed")
CLOSED_WITH = N_("Closed ({outcome})")
HELD_NOTICE = N_("This case is held for caseworkers who speak {language} for a short while. "
                 "If none takes it, anyone may.")
CONVERSATION = N_("Conversation")
NO_MESSAGES = N_("No messages.")
TAKE_CASE = N_("Take this case")
CLAIM = N_("Claim this case")
REPLY = N_("Reply")
REPLY_LABEL = N_("Your reply (sent as you write it, through the person's own channel)")
SEND_REPLY = N_("Send reply")
PREPARED_REPLIES = N_("Prepared replies")
PREPARED_HINT = N_("Each is sent in {language}. Above it, what it says in {interface_language}.")
SEND_THIS = N_("Send this reply")
CLOSE_CASE = N_("Close the case")
CLOSING_HINT = N_("Closing hands the conversation back to the assistant.")
OUTCOME = N_("Outcome")
CHOOSE_OUTCOME = N_("Choose an outcome")
NO_SUCH_CASE = N_("No such case (it may have been erased at the person's request).")

AUDIT_INTRO = N_("Who signed in, viewed, claimed, answered or closed which case, newest first "
                 "(the latest {count} entries). The log can be read, never changed; it holds no "
                 "message text.")
AUDIT_CAPTION = N_("Audit entries, newest first")
WHEN = N_("When")
WHO = N_("Who")
ACTION = N_("Action")
TARGET = N_("Target")
NOTHING_RECORDED = N_("Nothing recorded yet.")
ACCOUNT_NUMBER = N_("account {number}")
NOT_ALLOWED = N_("Not allowed")
ADMINS_ONLY = N_("This page is for administrators only.")

PROPOSALS_WAITING = N_("Proposals waiting for review")
PROPOSAL = N_("Proposal")
ORGANISATION = N_("Organisation")
PROPOSED_BY = N_("Proposed by")
PROPOSED_ON = N_("On")
FIELDS = N_("Fields")
NO_PROPOSALS_WAITING = N_("No proposals are waiting.")
STALE_TITLE = N_("Services not confirmed for {days} days")
STALE_HINT = N_("Their organisations see a \"still correct?\" button in the portal. Call them if it "
                "stays unanswered.")
SERVICE = N_("Service")
NEVER = N_("never")
ALL_RECENT = N_("Every service was confirmed recently.")
REVIEW = N_("Review")
ALL_PROPOSALS = N_("All proposals")
PROPOSED_BY_ON = N_("proposed by {who} on {date}")
REVIEW_REASON = N_("Reason given: {reason}")
PUBLISHED_NOW = N_("Published now")
PROPOSED_VALUE = N_("Proposed")
NO_FIELD_DIFFERS = N_("No field differs from the published version.")
PREVIEW_TITLE = N_("How the assistant would show it")
DECISION = N_("Decision")
APPROVE = N_("Approve and publish")
REJECT_REASON = N_("Reason (the organisation reads it)")
REJECT = N_("Reject")
REASON_NEEDED = N_("Give the organisation a reason for rejecting its proposal.")
NO_SUCH_PROPOSAL = N_("No such proposal.")

INVITE_LINK_INTRO = N_("The link lets one person of the organisation choose a password and keep its "
                  "services up to date. It works once, for {days} days. Send it to them yourself "
                  "(for example by email).")
INVITATION_FOR = N_("Invitation for {email} (until {date}):")
INVITATION_LINK = N_("Invitation link")
SHOWN_ONLY_NOW = N_("This link is shown only now.")
PERSON_EMAIL = N_("Email of the person")
MAKE_LINK = N_("Make the invitation link")
INVITE_INVALID = N_("An email address and an existing organisation are needed.")
ACCOUNT_EXISTS = N_("An account with this email address exists already.")

# What a staff member reads for each refusal code of the staff API.
ERRORS: Dict[str, str] = {
    "reserved_for_speakers_of_the_language": N_(
        "This case is held for caseworkers who speak the person's language. "
        "It becomes open to everyone after a short wait, or at once if it turns urgent."),
    "already_taken_or_closed": N_("Someone else has already taken this case, or it was closed."),
    "claim_the_case_first": N_("Claim the case before replying or closing it."),
    "case_closed": N_("This case is closed."),
    "unknown_canned_reply": N_("That prepared reply does not exist."),
    "empty_text": N_("The reply was empty: nothing was sent."),
    "too_long": N_("The reply is too long: please split it into shorter messages."),
    "unknown_outcome": N_("Choose an outcome to close the case."),
    "wrong_email_or_password": N_("Wrong email or password."),
    "too_many_attempts": N_("Too many failed attempts. Wait 15 minutes and try again."),
}
DONE: Dict[str, str] = {
    "claimed": N_("You have taken this case. The person's messages now come to you."),
    "replied": N_("Your reply was sent through the person's own channel."),
    "closed": N_("The case is closed. The assistant answers the person again."),
    "approved": N_("Approved: the assistant now uses this version."),
    "rejected": N_("Rejected: the organisation sees your reason in its portal."),
}
OUTCOME_LABELS: Dict[str, str] = {
    "information_given": N_("Information given"),
    "referred_to_service": N_("Referred to a service"),
    "emergency_services_called": N_("Emergency services called"),
    "no_answer_from_person": N_("No answer from the person"),
    "cancelled_by_person": N_("Cancelled by the person"),
    "other": N_("Other"),
}
SENDERS: Dict[str, str] = {"user": N_("Person"), "bot": N_("Assistant"), "caseworker": N_("Caseworker")}
# A reply the person's channel has not taken yet, or refused for good.
DELIVERY: Dict[str, str] = {"to_send": N_("Not delivered yet: retrying"),
                            "undeliverable": N_("Could not be delivered")}
# Why a case was opened, besides the crisis topics (their labels are the portal's).
REASONS: Dict[str, str] = {"request_human": N_("Asked for a person")}
AUDIT_ACTIONS: Dict[str, str] = {
    "sign_in": N_("signed in"), "sign_out": N_("signed out"), "view_case": N_("viewed the case"),
    "claim": N_("claimed the case"), "reply": N_("replied"), "close": N_("closed the case"),
    "review_approved": N_("approved a proposal"), "review_rejected": N_("rejected a proposal"),
    "account_created": N_("an invited organisation created its account"),
}
# What console.js writes itself (live queue, in-place replies), by its own key.
JS_TEXTS: Dict[str, str] = {
    "urgent": URGENT, "normal": NORMAL, "none": NONE, "you_speak_it": YOU_SPEAK_IT,
    "held_for": HELD_FOR, "state_waiting": STATE_WAITING, "state_with_you": STATE_WITH_YOU,
    "state_with_other": STATE_WITH_OTHER, "sound_on": SOUND_ON, "sound_off": SOUND_OFF,
    "urgent_title": N_("(!) Urgent case waiting"),
    "session_ended": N_("Your session has ended: reload the page to sign in again."),
    "case_changed": N_("This case changed: reload the page."),
    "failed": N_("That did not work ({code}). Reload the page and try again."),
    "sent": N_("Sent."),
    "saved_not_delivered": N_("Saved, not delivered yet: the help desk keeps retrying."),
    "no_answer": N_("The help desk did not answer. Check your connection and try again."),
    "live": N_("Live: new cases appear by themselves."),
    "reconnecting": N_("Reconnecting to live updates…"),
}
