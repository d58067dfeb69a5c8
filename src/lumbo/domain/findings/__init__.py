"""Findings: the nodes of restriction and the signs that shape a plan, from the intake and scores."""
