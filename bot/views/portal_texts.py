"""Texts of the CSO portal, as English message ids marked for translation.

Templates use them by name (`t.SIGN_IN`, `t("LAST_CHECKED", date=…)`), so a
template cannot show a text that pybabel does not extract.
"""
from localization import N_

PORTAL_TITLE = N_("Services portal")
SIGN_IN = N_("Sign in")
SIGN_OUT = N_("Sign out")
EMAIL = N_("Email")
PASSWORD = N_("Password")
WRONG_LOGIN = N_("Wrong email or password.")
TOO_MANY_ATTEMPTS = N_("Too many attempts. Please wait 15 minutes and try again.")
MAIN_NAVIGATION = N_("Main menu")
INTERFACE_LANGUAGE = N_("Language of these pages")
CHANGE_LANGUAGE = N_("Change language")
ACCOUNT_READY = N_("Your account is ready. Sign in with your email and your new password.")
CREATE_ACCOUNT_TITLE = N_("Create your account")
INVITE_INTRO = N_("You were invited to keep your organisation's services up to date in the help "
                  "desk's catalogue. Choose a password of at least {count} characters.")
PASSWORD_AGAIN = N_("Password again")
CREATE_ACCOUNT = N_("Create my account")
PASSWORDS_DIFFER = N_("The two passwords differ.")
PASSWORD_TOO_SHORT = N_("The password needs at least {count} characters.")
INVITATION_INVALID = N_("This invitation link is no longer valid. Ask the help desk for a new one.")

YOUR_SERVICES = N_("Your organisation's services")
NO_SERVICES = N_("Your organisation has no services in the catalogue yet.")
LAST_CHECKED = N_("Last checked on {date}")
NEVER_CHECKED = N_("Never checked")
STALE_NOTICE = N_("Not checked for more than {days} days. Is it still correct?")
STILL_CORRECT = N_("Yes, still correct")
PROPOSE_CHANGE = N_("Propose a change")
PROPOSE_NEW = N_("Propose a new service")
UPLOAD_FILE = N_("Upload a file")
STATUS_ACTIVE = N_("Open")
STATUS_INACTIVE = N_("Closed")
PENDING_REVIEW = N_("A change is waiting for review.")
YOUR_PROPOSALS = N_("Your proposals")
NO_PROPOSALS = N_("No proposals yet.")
STATE_PENDING = N_("Waiting for review")
STATE_APPROVED = N_("Approved")
STATE_REJECTED = N_("Not accepted")
STATE_SUPERSEDED = N_("Replaced by a later proposal")
KIND_NEW = N_("New service")
KIND_UPDATE = N_("Change")
KIND_CLOSE = N_("Closing")
REASON_GIVEN = N_("Reason given by the help desk: {reason}")
CONFIRMED = N_("Thank you: the service is marked as checked today.")
PROPOSED = N_("Thank you. Your proposal was sent to the help desk for review. "
              "The assistant uses it once it is approved.")
BACK = N_("Back to your services")
NOT_YOURS = N_("This service belongs to another organisation.")
NOT_FOUND = N_("This page does not exist.")
ALREADY_REVIEWED = N_("This proposal was already reviewed.")

SERVICE_NAME = N_("Name of the service")
TOPICS = N_("Topics")
TOPICS_HINT = N_("What people ask about when this service is a good answer.")
DESCRIPTIONS = N_("Description in each language")
DESCRIPTIONS_HINT = N_("Write the description in the language you know best and mark it as the "
                       "original. Translations into other languages are welcome.")
ORIGINAL_TEXT = N_("This is the original text")
ORIGINAL_MARK = N_("original")
ADDRESS = N_("Street address")
POSTAL_CODE = N_("Postcode")
CITY = N_("City")
DISTRICT = N_("District")
LATITUDE = N_("Latitude")
LONGITUDE = N_("Longitude")
PHONE = N_("Phone")
WEBSITE = N_("Website")
LANGUAGES_SPOKEN = N_("Languages spoken at the service")
OTHER_LANGUAGES = N_("Other languages (codes such as it or de, separated by ;)")
FREE = N_("Free of charge")
NO_DOCUMENTS = N_("No papers needed")
MINIMUM_AGE = N_("Minimum age")
MAXIMUM_AGE = N_("Maximum age")
SCHEDULE = N_("Opening hours")
SCHEDULE_HINT = N_("One line per group of days with the same hours. Leave a line empty to remove it.")
SCHEDULE_LINE = N_("Opening hours, line {number}")
OPENS = N_("Opens")
CLOSES = N_("Closes")
SEND_FOR_REVIEW = N_("Send for review")
CLOSE_SERVICE = N_("Propose closing this service")
CLOSE_HINT = N_("The service stays in the assistant's answers until the help desk approves the closing.")
FORM_ERRORS = N_("Nothing was sent. Please correct the fields marked below.")
FIELD_INVALID = N_("Please check this field:")

PREVIEW = N_("How the assistant shows it")
PREVIEW_LANGUAGE = N_("Language of the preview")
SHOW = N_("Show")
WHAT_CHANGES = N_("What changes")
FIELD = N_("Field")
BEFORE = N_("Before")
AFTER = N_("After")
EMPTY_VALUE = N_("(empty)")
STATUS = N_("Status")
CHECKED = N_("Last checked")
YES = N_("Yes")
NO = N_("No")

UPLOAD_HINT = N_("A CSV or XLSX file in the catalogue template, or an HSDS JSON file. Every row "
                 "becomes a proposal for review; if any row has an error, nothing is sent.")
FILE = N_("File")
UPLOAD = N_("Upload")
UPLOAD_ERRORS = N_("Nothing was sent. Correct these rows and upload the file again:")
UPLOADED = N_("{count} proposals were sent for review.")
FILE_TOO_LARGE = N_("The file is too large (at most 5 MB).")
FILE_REQUIRED = N_("Choose a file to upload.")

# Topic labels for the portal's checkboxes (the codes are the intents of docs/intents.md).
TOPIC_LABELS = {
    "rights_asylum_application": N_("Asking for asylum"),
    "rights_asylum_appeal": N_("Asylum appeals"),
    "rights_residence_permit": N_("Residence permits"),
    "rights_legal_aid": N_("Legal aid"),
    "rights_work": N_("Work rights"),
    "rights_discrimination": N_("Discrimination"),
    "rights_no_papers": N_("Rights without papers"),
    "language_course_find": N_("Language courses"),
    "language_course_level": N_("Language level tests"),
    "language_course_online": N_("Online language courses"),
    "childcare_find": N_("Childcare"),
    "childcare_during_course": N_("Childcare during courses"),
    "health_find_doctor": N_("Doctors"),
    "health_no_insurance": N_("Care without health coverage"),
    "health_dentist": N_("Dentists"),
    "health_maternity": N_("Pregnancy and maternity"),
    "health_vaccination": N_("Vaccination"),
    "health_mental": N_("Mental health"),
    "cso_services_food": N_("Food"),
    "cso_services_clothes": N_("Clothes"),
    "cso_services_hygiene": N_("Showers and hygiene"),
    "cso_services_domiciliation": N_("Postal address (domiciliation)"),
    "cso_services_social_support": N_("Social support"),
    "housing_emergency_shelter": N_("Emergency shelter"),
    "crisis_self_harm": N_("Crisis: suicide and self-harm"),
    "crisis_violence": N_("Crisis: violence"),
    "crisis_trafficking": N_("Crisis: trafficking and forced labour"),
    "crisis_unaccompanied_minor": N_("Crisis: children alone"),
    "crisis_medical_emergency": N_("Crisis: medical emergency"),
    "crisis_detention": N_("Crisis: detention or removal"),
}
