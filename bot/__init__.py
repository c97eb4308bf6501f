"""The gateway: channels, handoff routing, staff console, CSO portal and NLG endpoint."""
