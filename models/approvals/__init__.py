"""Approval items (事项): item types, flows as data, steps and decisions. Filled by the approvals capability."""
