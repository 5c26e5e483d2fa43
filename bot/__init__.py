"""Cap Numérique: the product's pure core (no Rasa import here)."""
