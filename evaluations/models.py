"""Evaluation dossiers, evidence, commissions and juries (see DESIGN.md §5)."""
