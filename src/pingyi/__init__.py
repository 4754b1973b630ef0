"""Pingyi (评议): appraisal campaigns for public organizations."""

__version__ = "0.1.0"
