"""The protocol engine: plan models, technique selection and the 12-week plan builder."""
