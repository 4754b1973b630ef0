"""Reading the files people bring: CSV (UTF-8, with or without BOM) and XLSX (first sheet).

Every problem is reported with its file, row, column and field; a hostile spreadsheet (a zip
bomb, formulas, a file far too large) is refused before it is parsed.
"""
