"""Signed receipts from the ARS and the transmission ledger (docs/receipts.md).

`document` is the file format (a signed JSON), `reasons` the French wording of every reason
code a receipt carries, `service` the establishment's side (record receipts, the ledger).
The ARS's side (issuing receipts while importing, its ledger) is `ars/receipts.py`.
"""
