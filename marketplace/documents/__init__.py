"""Printable documents: PDFs made from templates with WeasyPrint (purchase orders, handover
certificates, invoices, receipts)."""
