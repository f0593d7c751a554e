"""Monthly deduction scores and the red/black list. Filled by the scores capability."""
