"""SiteSelect: score US states as sites for AI data centers."""

__version__ = "0.1.0"
