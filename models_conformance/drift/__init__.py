"""Drift: what traffic shows that the contract does not describe.

New model fields (top level or nested), new values of enums, ``anthropic-beta`` values the seed does
not list, error types outside the errors table, and response headers outside
``data/known-headers.json``; each with its count, first and last date seen, and one example whose value
is withheld when it may identify an account.

- :class:`.collect.Drift` adds up what exchanges show, and merges drift read back from reports;
- :func:`.collect.drift_of` collects what a transcript's answers show;
- :mod:`.render` turns a drift object into rows (terminal, Markdown and HTML reports);
- ``models-conformance drift`` (:mod:`.cli`) reads cassettes and JSON reports.

This file imports nothing, so that the report renderers can use :mod:`.render` without loading the
cassette readers.
"""
