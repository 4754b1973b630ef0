"""The appraisal rules as plain Python.

Nothing in this package imports Django: the rules are decided here, in exact arithmetic
(fractions.Fraction), and every entry point — CLI, web, API — calls them the same way.
"""
