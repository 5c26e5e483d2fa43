"""The pure core: plain Python, no storage, no Rasa (vocabularies, labels, text, places,
the profile reader, the dialogue, the matching rules, the French texts)."""
