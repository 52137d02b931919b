"""Polish dates as a Polish reader writes them (03.11.2026 18:27); Django's own short
formats are "03-11-2026" and a date-time with a doubled space."""

SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
