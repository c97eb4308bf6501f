"""Texts the gateway itself says (not Rasa responses), marked for translation."""
from localization import N_

# NOTE: shown when a caseworker has the conversation and the user writes again.
MESSAGE_PASSED_ON = N_("Your message was passed to the person from the help desk.")
# NOTE: shown when the assistant cannot answer because a part of it is down.
TROUBLE = N_("Sorry, we are having technical trouble. Please write again in a few minutes. "
             "If you are in danger, call the emergency numbers:")
TOO_LONG = N_("Your message is too long. Please write a shorter message.")
EMPTY = N_("Your message is empty.")
SLOW_DOWN = N_("You are sending messages very fast. Please wait a minute and try again.")
BAD_REQUEST = N_("This request could not be understood.")
