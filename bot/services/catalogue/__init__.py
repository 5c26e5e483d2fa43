"""The course catalogue: LHÉO-like model, storage, importers, demo seed, generator, CLI."""
