"""The pure core of lumbo: models and rules. Imports nothing from store, web, vision or jobs."""
