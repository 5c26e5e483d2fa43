"""The stored services: the catalogue and its search, people, advisers' accounts,
recaps, analytics, privacy, rate limits, the Region's report (SQLAlchemy)."""
