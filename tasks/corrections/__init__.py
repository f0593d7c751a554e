"""Correcting records from a warning (更正) and the 二人复核 of sensitive corrections."""
