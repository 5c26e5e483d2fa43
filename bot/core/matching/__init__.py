"""The matching rules: pure Python over course dicts (hard and soft constraints,
relaxation, scoring, the French reasons). Run against the catalogue by
bot.services.search."""
