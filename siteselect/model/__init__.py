"""Pure data model: criteria catalogue, the state dataset with provenance, geography, scenarios.

Nothing here imports Qt; geopandas is imported only by :mod:`.geography`.
"""
