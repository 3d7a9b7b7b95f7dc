"""Adoption Advisor — the Streamlit entry point in a checkout: ``streamlit run app.py``.

Installed from a wheel, ``adoption-advisor app`` runs the same :func:`ui.main.main`.
"""

from ui.main import main

main()
