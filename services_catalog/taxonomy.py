"""The intent taxonomy (docs/intents.md): topic prefixes, topic and crisis intents.

Catalogue services are tagged with these topic intents; the NLU data checker,
the actions and the tests read the lists from here.
"""
INTENTS_BY_FILE = {
    "general": ["greet", "goodbye", "thank", "affirm", "deny", "choose_language",
                "request_human", "forget_me", "bot_challenge", "out_of_scope"],
    "rights": ["rights_asylum_application", "rights_asylum_appeal", "rights_residence_permit",
               "rights_legal_aid", "rights_work", "rights_discrimination", "rights_no_papers"],
    "language_course": ["language_course_find", "language_course_level", "language_course_online"],
    "childcare": ["childcare_find", "childcare_during_course"],
    "health": ["health_find_doctor", "health_no_insurance", "health_dentist", "health_maternity",
               "health_vaccination", "health_mental"],
    "cso_services": ["cso_services_food", "cso_services_clothes", "cso_services_hygiene",
                     "cso_services_domiciliation", "cso_services_social_support"],
    "housing": ["housing_emergency_shelter"],
    # Where the person is, said in a sentence ("I live in Lyon 3"): the answer to "where are you?".
    "place": ["inform_place"],
    "crisis": ["crisis_self_harm", "crisis_violence", "crisis_trafficking",
               "crisis_unaccompanied_minor", "crisis_medical_emergency", "crisis_detention"],
}
TRAINED_INTENTS = [intent for group in INTENTS_BY_FILE.values() for intent in group]
CRISIS_INTENTS = INTENTS_BY_FILE["crisis"]
TOPIC_INTENTS = [intent for name, group in INTENTS_BY_FILE.items()
                 if name not in ("general", "crisis", "place") for intent in group]
