"""Chapter 00: who the region is and its key figures from published data (``chapter``)."""
