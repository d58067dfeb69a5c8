"""Adjustment: judging logged sessions, the remembered history, and the next plan version."""
