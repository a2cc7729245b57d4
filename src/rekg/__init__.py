"""rekg: an open knowledge graph of China's engagement with Southeast Asia on rare earths."""

__version__ = "0.1.0"
