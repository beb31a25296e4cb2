"""docs/ACCESS.md: its fixed text and the table generated from cqpm.core.access."""

from cqpm.core.access import table_markdown

HEAD = """# Qui peut faire quoi

Généré par `manage.py access_table --write` depuis `access/actions.py` et `access/roles.py` ;
un test échoue si ce fichier diffère du code. Chaque page, point d'API, export, tâche de
l'accueil et sélecteur demande `cqpm.core.access.scope()` / `can()` : une ligne « oui » dit
qu'un rôle peut donner l'action, sur les objets que sa relation atteint (les campagnes de ses
centres pour le personnel, les sessions où il siège pour un membre de jury…). Tout le reste
répond 404.

Ajouter un rôle : une fonction `grants(user)` dans `access/roles.py`, sa colonne dans
`tests/test_access_matrix.py`, puis `manage.py access_table --write`.

"""


def render() -> str:
    return HEAD + table_markdown()
