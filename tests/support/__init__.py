"""Helpers the tests share, importable from every tier (``from tests.support.workspace import ...``):

- ``workspace``: ``make_settings``, the date the sample case is built for, the shipped corpus, a
  workspace's page texts and the check that an answer's citations are verbatim;
- ``records``: ``Case``, a workspace's records built row by row in a real DuckDB (unit tests);
- ``other_case``: an importer faprep has not seen (``build_other_case``);
- ``scripted_llm``: the scripted LangChain chat model standing in for a remote LLM;
- ``cli``: ``faprep(...)``, the command line run in a subprocess as a user runs it;
- ``live``: the API key of the live servers and the folder for screenshots;
- ``browser``: the browser flows of the UI tests (Playwright on Debian's Chromium).

The fixtures (the sample case and the unseen importer, each built and ingested once per session)
are in ``tests/conftest.py``; the tiers are applied there too, by folder.
"""
