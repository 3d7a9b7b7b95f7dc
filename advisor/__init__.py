"""Adoption Advisor's application shell around the pure core in :mod:`scoring`.

``advisor.storage`` keeps assessments and policy versions in a database, ``advisor.reports``
lays a scored assessment out as JSON, Markdown, HTML and PDF, ``advisor.cli`` is the
``adoption-advisor`` command and ``advisor.access`` decides who may publish a policy. The
Streamlit pages live in :mod:`ui`.
"""
