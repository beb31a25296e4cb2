"""Evidence per capacity: dossiers, reports, company opinions, interviews (DESIGN §5.2–5.3)."""
