"""PolicyQA: question answering over government policy plans, with cited provisions.

Installed as ``policyqa``: ``policyqa.engine`` (answering), ``policyqa.surfaces`` (CLI, web app),
``policyqa.tools`` (bench, doctor, helper servers), ``policyqa.ingest`` (from files to the index) and
``policyqa.eval`` (evaluation). The folders are ``app/``, ``ingest/`` and ``eval/``.
"""
