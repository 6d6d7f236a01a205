"""Cartographie IA des métiers: which jobs of a French commune generative AI may change (ILO / INET method)."""

__version__ = "0.1.0"

APP_NAME = "Cartographie IA des métiers"
ORGANIZATION = "Cartographie IA des métiers"
