"""Complaints (komplain): a shopper's complaint about a shipped or completed order, the
seller's answer, the agency's decision, the goods' return and the refund (issue #17).

``models`` holds the rows, ``services`` opening and finding, ``steps`` every later move,
``outcome`` the refund, ``deadlines`` what the order clock does; the pages are ``views``
(shopper), ``seller_views`` and ``agency_views``; the API is ``marketplace/api/complaints.py``.
"""
