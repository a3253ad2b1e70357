# Dates rendered without a filter (and Django's admin) look like the rest of the service:
# "30 November 2026". Templates use the govuk_date / govuk_datetime filters (apps.core.dates),
# which also give times as "2:05pm", something Django's format strings cannot.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
