"""Evaluation commissions (capacity by capacity) and paritaire juries (DESIGN §5.4–5.6)."""
