"""Writes of the evaluations app, split by sub-domain: dossiers, reports, opinions, commissions,
interviews. Import from the sub-module: `from evaluations.services.dossiers import dossier_submit`.
"""
