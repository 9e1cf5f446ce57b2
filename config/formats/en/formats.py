# The US style the letters use, "May 15, 2024", wherever Django formats a date or time.
# (Localized formats win over settings.DATE_FORMAT, so they are set here.)
DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, g:i A T"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "M j, Y, g:i A"
