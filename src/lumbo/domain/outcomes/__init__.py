"""Outcomes: one patient's change at reassessment, and a clinic's outcomes across its patients."""
