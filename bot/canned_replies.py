"""Replies a caseworker can send in the person's language without speaking it.

Each is an English gettext message id, translated in every launch language's
catalogue like any other text. The console shows the English and sends the
translation.
"""
from typing import Dict

from localization import N_

CANNED_REPLIES: Dict[str, str] = {
    "hello": N_("Hello, I am a person from the help desk. I have read your messages and I am here "
                "to help you."),
    # {emergency} is filled with the region's emergency numbers from the catalogue.
    "safe_now": N_("Are you safe right now? If you are in danger, call now:\n{emergency}"),
    "one_moment": N_("Thank you. I am looking for the right information for you. Please wait a "
                     "few minutes."),
    "interpreter": N_("I do not speak your language well. I am using prepared messages. You can "
                      "also write in French or English if you can."),
    "call_us": N_("If you prefer, you can come to the help desk in person. We do not ask for "
                  "papers."),
    "confidential": N_("What you tell us stays confidential. We never share it with the police or "
                       "the immigration authorities."),
    "more_details": N_("Can you tell me a little more about your situation? Only what you want to "
                       "share."),
    "closing": N_("I am closing this conversation now. You can write again at any time. Take care."),
}

OUTCOMES = ("information_given", "referred_to_service", "emergency_services_called",
            "no_answer_from_person", "cancelled_by_person", "other")
