"""Logging helpers for the seed commands."""

import logging
from contextlib import contextmanager

# WeasyPrint logs every layout step at INFO: lines in the seed's output for each PDF.
PDF_PROGRESS_LOGGER = "weasyprint.progress"


@contextmanager
def quiet(name=PDF_PROGRESS_LOGGER):
    """Hold the named logger at WARNING for the duration."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)
