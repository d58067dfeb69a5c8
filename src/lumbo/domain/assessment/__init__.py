"""The assessment: its result models and the pure intake -> assessment function."""
