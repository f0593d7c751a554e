"""Report queries: one module per report. Filled by the reports capability."""
