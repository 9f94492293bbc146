"""How findings are shown: one presentation layer between the analyses and every front end.

The CLI, the dashboard and the reports ask this package (and nothing else) for labels and display names,
the stance palette and marks, hex labels, severity and check order, dates at their precision, glossary
text, findings flattened into tables, and every CSV/XLSX/JSON writer (with the formula guard). A decision
made here once is said the same way everywhere; the analyses keep no colours or display labels.
"""
